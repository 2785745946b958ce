using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Approvals;

/// <summary>What an auditor learns from checking the passkey approvals an audit log records.</summary>
/// <param name="Checked">How many recorded assertions verified against the vault's approvers.</param>
/// <param name="FailedSequence">The sequence of the first entry whose approval did not verify, or null.</param>
/// <param name="Problem">Why it did not verify, or null.</param>
public sealed record RecordedApprovalCheck(int Checked, long? FailedSequence, string? Problem)
{
    /// <summary>True when every recorded approval verified.</summary>
    public bool Ok => FailedSequence is null;

    /// <summary>The JSON form `audit verify` prints under "approvals".</summary>
    public JsonObject ToJson() => new() { ["ok"] = Ok, ["checked"] = Checked, ["first_bad_sequence"] = FailedSequence, ["problem"] = Problem };
}

/// <summary>
/// The auditor's check of approvals after the fact: every audit entry that says people approved with passkeys carries the
/// approval binding and each assertion with its nonce; each must verify against the approver the vault knows by that name
/// (retired ones included), on the page origin its nonce names, over exactly that binding. Counters and spent nonces do not
/// matter here; a forged or edited approval does.
/// </summary>
public static class RecordedApprovals
{
    /// <summary>Checks every recorded passkey approval in the audit <paramref name="folder"/> with <paramref name="approvers"/> and <paramref name="verifier"/>.</summary>
    public static RecordedApprovalCheck Check(string folder, PasskeyApproverStore approvers, IApprovalAssertionVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(verifier);
        var verified = 0;
        if (!Directory.Exists(folder))
        {
            return new RecordedApprovalCheck(0, null, null);
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                JsonObject? entry;
                try
                {
                    entry = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException)
                {
                    continue; // The chain check reports a malformed line; this check reads approvals only.
                }

                if (entry?["operation"]?["parameters"] is not JsonObject parameters || parameters["assertions"] is not JsonArray assertions)
                {
                    continue;
                }

                var sequence = entry["sequence"] is JsonValue value && value.TryGetValue<long>(out var number) ? number : -1;
                try
                {
                    var binding = parameters["approval_binding"]?.GetValue<string>() ?? throw new InvalidInputException("approval_binding", "is missing");
                    foreach (var item in assertions)
                    {
                        approvers.VerifyRecorded(verifier, PasskeyAssertion.FromAudit(item as JsonObject ?? throw new InvalidInputException("assertions", "must hold objects")), binding);
                        verified++;
                    }
                }
                catch (Exception error) when (error is ApprovalException or InvalidInputException or FormatException or InvalidOperationException)
                {
                    return new RecordedApprovalCheck(verified, sequence, string.Create(CultureInfo.InvariantCulture, $"the passkey approval recorded at sequence {sequence} does not verify ({error.Message})"));
                }
            }
        }

        return new RecordedApprovalCheck(verified, null, null);
    }
}
