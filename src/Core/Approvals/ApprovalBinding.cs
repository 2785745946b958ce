using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The fingerprint an approval is bound to: SHA-256 over the canonical JSON (RFC 8785) of what was asked,
/// so any change to the transaction, the wallet, the network or the operation needs a new approval.
/// </summary>
public static class ApprovalBinding
{
    /// <summary>The binding of an operation named <paramref name="operation"/> with these exact <paramref name="subject"/> fields.</summary>
    public static string For(string operation, JsonObject subject)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(subject);
        var document = new JsonObject { ["operation"] = operation, ["subject"] = subject.DeepClone() };
        return Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Serialize(document)));
    }
}
