using System.Text.Json.Nodes;

namespace HsmWallet.Core.Vault;

/// <summary>
/// Where a wallet's key lives when it never leaves a device: the device kind (only "pkcs11" today), the module, the
/// token (by label or serial, never by slot id) and the key object (label and CKA_ID). Nothing here is secret; the
/// vault record keeps it beside the public key, and no secret part exists for such a wallet.
/// </summary>
/// <param name="Kind">The device kind ("pkcs11").</param>
/// <param name="Module">Absolute path of the PKCS#11 module.</param>
/// <param name="TokenLabel">The token's label, or null when the serial names it.</param>
/// <param name="TokenSerial">The token's serial number, or null when the label names it.</param>
/// <param name="KeyLabel">The key pair's CKA_LABEL.</param>
/// <param name="KeyId">The key pair's CKA_ID in lowercase hex (random, chosen by HsmWallet at generation).</param>
public sealed record TokenKeyReference(string Kind, string Module, string? TokenLabel, string? TokenSerial, string KeyLabel, string? KeyId)
{
    private const int MaximumTextLength = 4096;

    /// <summary>The token for messages: its label or serial (non-secret).</summary>
    public string TokenDescription => TokenLabel is not null ? $"token labelled '{TokenLabel}'" : $"token with serial '{TokenSerial}'";

    /// <summary>The JSON object the wallet record stores.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["kind"] = Kind, ["module"] = Module };
        if (TokenLabel is not null)
        {
            json["tokenLabel"] = TokenLabel;
        }

        if (TokenSerial is not null)
        {
            json["tokenSerial"] = TokenSerial;
        }

        json["keyLabel"] = KeyLabel;
        if (KeyId is not null)
        {
            json["keyId"] = KeyId;
        }

        return json;
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote; a missing or malformed field is a damaged record.</summary>
    public static TokenKeyReference FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reference = new TokenKeyReference(
            Text(json, "kind") ?? throw new FormatException("token.kind is missing"),
            Text(json, "module") ?? throw new FormatException("token.module is missing"),
            Text(json, "tokenLabel"),
            Text(json, "tokenSerial"),
            Text(json, "keyLabel") ?? throw new FormatException("token.keyLabel is missing"),
            Text(json, "keyId"));
        if ((reference.TokenLabel is null) == (reference.TokenSerial is null))
        {
            throw new FormatException("token names neither or both of label and serial");
        }

        return reference;
    }

    private static string? Text(JsonObject json, string name)
    {
        if (!json.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        var text = node.GetValue<string>();
        return text.Length is 0 or > MaximumTextLength ? throw new FormatException($"token.{name} is empty or too long") : text;
    }
}
