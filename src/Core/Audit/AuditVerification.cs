using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The outcome of verifying the audit log, in the shape `hsmwallet audit verify` and the
/// audit_verify tool print: whether it holds, and if not, where it first breaks and how.
/// </summary>
/// <param name="Ok">True when every entry verifies, links to the previous one, and the log matches its head and anchor.</param>
/// <param name="Entries">How many entry lines the log holds.</param>
/// <param name="HeadSequence">The sequence the authenticated head record names (0 when there is none).</param>
/// <param name="FirstBadSequence">The sequence expected where the chain first breaks; for a short log, the first missing one.</param>
/// <param name="Problem">What is wrong, or null when the log is intact.</param>
public sealed record AuditVerification(bool Ok, long Entries, long HeadSequence, long? FirstBadSequence, AuditProblem? Problem)
{
    /// <summary>How the log compares with its chain's head in a shared state store; null when the host keeps no shared head.</summary>
    public SharedHeadComparison? SharedHead { get; init; }

    /// <summary>The fixed JSON form: {"ok","entries","head_sequence","first_bad_sequence","problem"}, and "shared_head" when the host keeps one.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["ok"] = Ok,
            ["entries"] = Entries,
            ["head_sequence"] = HeadSequence,
            ["first_bad_sequence"] = FirstBadSequence,
            ["problem"] = Problem?.ToWire(),
        };
        if (SharedHead is { } shared)
        {
            json["shared_head"] = shared.ToJson();
        }

        return json;
    }
}
