using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// What a passkey grant carries so Core (and an auditor) can check it: the browser's assertion as it sent it, and the
/// server nonce that, with the approval binding, makes the challenge the authenticator signed.
/// </summary>
/// <param name="ResponseJson">The PublicKeyCredential as JSON (id, rawId, type, response with clientDataJSON, authenticatorData, signature, userHandle).</param>
/// <param name="Nonce">The page's single-use server nonce, lowercase hex (32 bytes).</param>
public sealed record PasskeyAssertion(string ResponseJson, string Nonce)
{
    /// <summary>
    /// The assertion as an audit entry keeps it: each part hex-encoded under an assertion_* name (short, and public by nature),
    /// so the entry stays within the audit's value bounds and an auditor can rebuild it with <see cref="FromAudit"/>.
    /// </summary>
    public JsonObject ToAudit(string approver)
    {
        using var document = JsonDocument.Parse(ResponseJson);
        var root = document.RootElement;
        var response = root.GetProperty("response");
        return new JsonObject
        {
            ["approver"] = approver,
            ["assertion_nonce"] = Nonce,
            ["assertion_id"] = Hex(root.GetProperty("id").GetString()),
            ["assertion_client_data"] = Hex(response.GetProperty("clientDataJSON").GetString()),
            ["assertion_authenticator_data"] = Hex(response.GetProperty("authenticatorData").GetString()),
            ["assertion_signature"] = Hex(response.GetProperty("signature").GetString()),
            ["assertion_user_handle"] = response.TryGetProperty("userHandle", out var handle) && handle.ValueKind == JsonValueKind.String ? Hex(handle.GetString()) : null,
        };
    }

    /// <summary>Rebuilds the approver's name and the assertion from an audit entry's <see cref="ToAudit"/> form; throws naming the field when a part is missing.</summary>
    public static PasskeyApproval FromAudit(JsonObject entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string Part(string name) => entry[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw new InvalidInputException(name, "is missing from the audit entry");
        var response = new JsonObject
        {
            ["clientDataJSON"] = Base64Url(Part("assertion_client_data")),
            ["authenticatorData"] = Base64Url(Part("assertion_authenticator_data")),
            ["signature"] = Base64Url(Part("assertion_signature")),
        };
        if (entry["assertion_user_handle"] is JsonValue handle && handle.TryGetValue<string>(out var handleHex))
        {
            response["userHandle"] = Base64Url(handleHex);
        }

        var id = Base64Url(Part("assertion_id"));
        var json = new JsonObject { ["id"] = id, ["rawId"] = id, ["type"] = "public-key", ["response"] = response, ["clientExtensionResults"] = new JsonObject() };
        return new PasskeyApproval(Part("approver"), new PasskeyAssertion(json.ToJsonString(), Part("assertion_nonce")));
    }

    private static string Hex(string? base64Url) =>
        Convert.ToHexStringLower(System.Buffers.Text.Base64Url.DecodeFromChars(base64Url ?? throw new InvalidInputException("assertion", "a part is missing")));

    private static string Base64Url(string hex) => System.Buffers.Text.Base64Url.EncodeToString(Convert.FromHexString(hex));
}
