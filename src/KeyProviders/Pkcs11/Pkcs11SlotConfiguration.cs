using System.Text.Json.Nodes;
using HsmWallet.Core;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Everything non-secret needed to find a wrapping key again: module, token (by label or serial, never by
/// slot id, which SoftHSM changes on re-init), key (by label and/or id) and wrap mode. The vault slot stores
/// it as JSON next to the wrapped bytes.
/// </summary>
public sealed record Pkcs11SlotConfiguration
{
    private const int MaximumTokenLabelLength = 32;
    private const int MaximumTokenSerialLength = 16;

    /// <summary>Creates a validated configuration; exactly one of token label and serial, at least one of key label and id.</summary>
    /// <param name="modulePath">Absolute path of the PKCS#11 module (.so).</param>
    /// <param name="tokenLabel">The token's label (CK_TOKEN_INFO.label, trimmed), or null when the serial is given.</param>
    /// <param name="tokenSerial">The token's serial number (CK_TOKEN_INFO.serialNumber, trimmed), or null when the label is given.</param>
    /// <param name="keyLabel">The key's CKA_LABEL, or null when the id is given.</param>
    /// <param name="keyId">The key's CKA_ID as lowercase hex (e.g. "03" for PIV slot 9d), or null when the label is given.</param>
    /// <param name="mode">The wrapping scheme.</param>
    public Pkcs11SlotConfiguration(string modulePath, string? tokenLabel, string? tokenSerial, string? keyLabel, string? keyId, Pkcs11WrapMode mode)
    {
        if (string.IsNullOrWhiteSpace(modulePath) || !Path.IsPathFullyQualified(modulePath))
        {
            throw new InvalidInputException("module", "must be an absolute path to a PKCS#11 module");
        }

        tokenLabel = Normalize(tokenLabel);
        tokenSerial = Normalize(tokenSerial);
        if ((tokenLabel is null) == (tokenSerial is null))
        {
            throw new InvalidInputException("token", "give exactly one of token label and token serial");
        }

        if (tokenLabel is not null && tokenLabel.Length > MaximumTokenLabelLength)
        {
            throw new InvalidInputException("token-label", "must be at most 32 characters");
        }

        if (tokenSerial is not null && tokenSerial.Length > MaximumTokenSerialLength)
        {
            throw new InvalidInputException("token-serial", "must be at most 16 characters");
        }

        keyLabel = Normalize(keyLabel);
        keyId = Normalize(keyId)?.ToLowerInvariant();
        if (keyLabel is null && keyId is null)
        {
            throw new InvalidInputException("key", "give a key label or a key id");
        }

        if (keyId is not null && (keyId.Length % 2 != 0 || !keyId.All(Uri.IsHexDigit)))
        {
            throw new InvalidInputException("key-id", "must be an even number of hex digits");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new InvalidInputException("mode", "must be aes-gcm, ecies or rsa-oaep");
        }

        ModulePath = modulePath;
        TokenLabel = tokenLabel;
        TokenSerial = tokenSerial;
        KeyLabel = keyLabel;
        KeyId = keyId;
        Mode = mode;
    }

    /// <summary>Absolute path of the PKCS#11 module the process loads.</summary>
    public string ModulePath { get; }

    /// <summary>The token's label, when tokens are chosen by label.</summary>
    public string? TokenLabel { get; }

    /// <summary>The token's serial number, when tokens are chosen by serial.</summary>
    public string? TokenSerial { get; }

    /// <summary>The key's CKA_LABEL, if the key is found by label.</summary>
    public string? KeyLabel { get; }

    /// <summary>The key's CKA_ID in lowercase hex, if the key is found by id.</summary>
    public string? KeyId { get; }

    /// <summary>The wrapping scheme recorded at enrolment.</summary>
    public Pkcs11WrapMode Mode { get; }

    /// <summary>Describes the token for messages (label or serial; both non-secret).</summary>
    internal string TokenDescription => TokenLabel is not null ? $"token labelled '{TokenLabel}'" : $"token with serial '{TokenSerial}'";

    /// <summary>Describes the key for messages.</summary>
    internal string KeyDescription => KeyLabel is not null ? $"key labelled '{KeyLabel}'" : $"key with id {KeyId}";

    /// <summary>The key id as bytes, or null.</summary>
    internal byte[]? KeyIdBytes => KeyId is null ? null : Convert.FromHexString(KeyId);

    /// <summary>Writes the configuration as the JSON object the vault slot stores.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["module"] = ModulePath };
        if (TokenLabel is not null)
        {
            json["tokenLabel"] = TokenLabel;
        }

        if (TokenSerial is not null)
        {
            json["tokenSerial"] = TokenSerial;
        }

        if (KeyLabel is not null)
        {
            json["keyLabel"] = KeyLabel;
        }

        if (KeyId is not null)
        {
            json["keyId"] = KeyId;
        }

        json["mode"] = Mode.ToName();
        return json;
    }

    /// <summary>Reads a configuration from a vault slot's JSON, validating it as the constructor does.</summary>
    public static Pkcs11SlotConfiguration FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new Pkcs11SlotConfiguration(
            ReadString(json, "module") ?? throw new InvalidInputException("module", "is required"),
            ReadString(json, "tokenLabel"),
            ReadString(json, "tokenSerial"),
            ReadString(json, "keyLabel"),
            ReadString(json, "keyId"),
            Pkcs11WrapModeNames.Parse(ReadString(json, "mode")));
    }

    private static string? ReadString(JsonObject json, string name)
    {
        if (!json.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        throw new InvalidInputException(name, "must be a string");
    }

    private static string? Normalize(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }
}
