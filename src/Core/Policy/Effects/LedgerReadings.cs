namespace HsmWallet.Core.Policy.Effects;

/// <summary>
/// The ledger objects read for one transaction, taken once at preparation and handed to every later decision and
/// to the counters, so what the human approves, what the policy decided and what is counted are the same reading.
/// </summary>
public sealed class LedgerReadings
{
    /// <summary>The most lookups one transaction may cause; more needs a human.</summary>
    public const int MaxLookups = 20;

    private readonly Dictionary<string, LedgerObjectReading> _readings = new(StringComparer.Ordinal);
    private readonly string _absent;

    /// <summary>Creates an empty set whose missing lookups read as <paramref name="absent"/>.</summary>
    public LedgerReadings(string absent)
    {
        ArgumentNullException.ThrowIfNull(absent);
        _absent = absent;
    }

    /// <summary>No lookups were made (no ledger connection): every referenced object is unreadable.</summary>
    public static LedgerReadings None { get; } = new("no ledger connection to read it from");

    /// <summary>How many lookups are held.</summary>
    public int Count => _readings.Count;

    /// <summary>Records the answer to one lookup.</summary>
    public void Add(LedgerObjectRequest request, LedgerObjectReading reading)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reading);
        if (ReferenceEquals(this, None))
        {
            throw new InvalidOperationException("LedgerReadings.None holds nothing.");
        }

        _readings[request.Key] = reading;
    }

    /// <summary>The answer to one lookup; a lookup never made is unreadable.</summary>
    public LedgerObjectReading Get(LedgerObjectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _readings.TryGetValue(request.Key, out var reading) ? reading : LedgerObjectReading.Unreadable(_absent);
    }
}
