using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace HsmWallet.Core.Policy;

/// <summary>
/// The rules that apply to one wallet on one network, already read and checked, so evaluation does
/// no parsing: limits as exact decimals, lists as sets, memo patterns compiled with a match timeout.
/// </summary>
public sealed class PolicyRules
{
    private string[]? _volumeAssets;

    /// <summary>Transaction types that always need a human because they change who controls the account.</summary>
    public static readonly FrozenSet<string> KeyChangingTypes =
        new[] { "SetRegularKey", "SignerListSet", "AccountDelete" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Types that may be signed at all; null means every type not blocked.</summary>
    public FrozenSet<string>? AllowedTransactionTypes { get; init; }

    /// <summary>Types that are always denied.</summary>
    public FrozenSet<string> BlockedTransactionTypes { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Largest amount of each asset one transaction may move without approval (XRP in XRP).</summary>
    public FrozenDictionary<string, decimal> MaxPerTransaction { get; init; } = FrozenDictionary<string, decimal>.Empty;

    /// <summary>Largest amount of each asset signed in any sliding hour without approval.</summary>
    public FrozenDictionary<string, decimal> MaxHourlyVolume { get; init; } = FrozenDictionary<string, decimal>.Empty;

    /// <summary>Largest amount of each asset signed in any sliding 24 hours without approval.</summary>
    public FrozenDictionary<string, decimal> MaxDailyVolume { get; init; } = FrozenDictionary<string, decimal>.Empty;

    /// <summary>The assets that hourly or daily volume limits name: the only ones the counters must add up.</summary>
    public IReadOnlyList<string> VolumeAssets => _volumeAssets ??= [.. MaxHourlyVolume.Keys
        .Union(MaxDailyVolume.Keys, StringComparer.Ordinal)
        .Union(ApprovalQuorum?.Above.Keys ?? [], StringComparer.Ordinal)
        .Union(SigningDelay?.Above.Keys ?? [], StringComparer.Ordinal)];

    /// <summary>Most transactions signed in a sliding hour; beyond it, denied.</summary>
    public int? MaxTransactionsPerHour { get; init; }

    /// <summary>Most transactions signed in a sliding 24 hours; beyond it, denied.</summary>
    public int? MaxTransactionsPerDay { get; init; }

    /// <summary>Most destinations never paid before that may be used in a sliding 24 hours; beyond it, denied.</summary>
    public int? MaxNewDestinationsPerDay { get; init; }

    /// <summary>Whether a destination never paid before needs a human.</summary>
    public bool NewDestinationRequiresApproval { get; init; }

    /// <summary>Whether moving an issued currency or MPT that max_per_transaction does not name needs a human.</summary>
    public bool UnlistedAssetsRequireApproval { get; init; }

    /// <summary>When non-empty, the only destinations allowed.</summary>
    public FrozenSet<string> DestinationAllowlist { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Destinations always denied.</summary>
    public FrozenSet<string> DestinationBlocklist { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Destinations (exchanges, custodians) that lose funds without a DestinationTag.</summary>
    public FrozenSet<string> DestinationsRequiringTag { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Largest Fee in drops; above it, denied.</summary>
    public ulong? MaxFeeDrops { get; init; }

    /// <summary>Memo patterns that deny a transaction when any memo's decoded text matches.</summary>
    public IReadOnlyList<Regex> BlockedMemoPatterns { get; init; } = [];

    /// <summary>UTC hours [start, end) in which signing needs no approval; null means all day.</summary>
    public (int Start, int End)? ActiveHoursUtc { get; init; }

    /// <summary>
    /// The quorum: how many distinct approvers' passkeys an approval needs (null: one person), and the amounts above which a
    /// transaction needs that quorum even where no other rule asks for a human (empty: the quorum applies to every approval),
    /// compared with what the wallet moved in the sliding 24 hours including this transaction, so splitting does not evade it.
    /// </summary>
    public (int Approvers, FrozenDictionary<string, decimal> Above)? ApprovalQuorum { get; init; }

    /// <summary>
    /// The delay tier: how long a transaction waits, vetoable, before it may be signed without a person's yes, and the amounts
    /// above which it applies (empty: every transaction the other rules allow), compared with the sliding 24 hours' total
    /// including this transaction, as for the quorum.
    /// </summary>
    public (TimeSpan Delay, FrozenDictionary<string, decimal> Above)? SigningDelay { get; init; }
}
