using System.Collections.Frozen;

namespace HsmWallet.Core.Xrpl.Codec.Definitions;

/// <summary>
/// A two-way map between names and codes (transaction types, results, ...), frozen once so every
/// lookup is a single hash probe.
/// </summary>
internal sealed class EnumeratedValues
{
    private readonly FrozenDictionary<string, long> _codes;
    private readonly FrozenDictionary<long, string> _names;

    /// <summary>Builds both directions; a code listed twice keeps its first name.</summary>
    public EnumeratedValues(IEnumerable<KeyValuePair<string, long>> entries)
    {
        var codes = new Dictionary<string, long>(StringComparer.Ordinal);
        var names = new Dictionary<long, string>();
        foreach (var (name, code) in entries)
        {
            codes.TryAdd(name, code);
            names.TryAdd(code, name);
        }

        _codes = codes.ToFrozenDictionary(StringComparer.Ordinal);
        _names = names.ToFrozenDictionary();
    }

    /// <summary>Finds the code for a name.</summary>
    public bool TryGetCode(string name, out long code) => _codes.TryGetValue(name, out code);

    /// <summary>Every name, so a model can be checked against the whole table.</summary>
    public IEnumerable<string> Names => _codes.Keys;

    /// <summary>Finds the name for a code.</summary>
    public bool TryGetName(long code, out string? name) => _names.TryGetValue(code, out name);
}
