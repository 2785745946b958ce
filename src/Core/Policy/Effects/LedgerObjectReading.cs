using System.Text.Json.Nodes;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>What the ledger answered for one lookup: the object, or why it could not be read (which needs a human).</summary>
/// <param name="Node">The ledger object as the validated ledger holds it, or null.</param>
/// <param name="Problem">Why there is no object, or null.</param>
public sealed record LedgerObjectReading(JsonObject? Node, string? Problem)
{
    /// <summary>A lookup that failed, with the reason a human will read.</summary>
    public static LedgerObjectReading Unreadable(string problem) => new(null, problem);
}
