using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// Everything a TPM slot stores in the vault, none of it secret: where the TPM is, what the object
/// is bound to, the blobs (TPM wire format, as tpm2-tools writes them) and the PIN's KDF inputs.
/// </summary>
public sealed class TpmSlotParameters
{
    /// <summary>The JSON format version, bumped if the key derivation ever changes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The TCTI used at enrolment (not secret); the caller may override it at unlock.</summary>
    public required string Tcti { get; init; }

    /// <summary>sha256-bank PCR indices the object is bound to; empty for no PCR policy.</summary>
    public required IReadOnlyList<int> PcrIndices { get; init; }

    /// <summary>The sealed object's TPM2B_PUBLIC in wire format (tpm2_create -u).</summary>
    public required ReadOnlyMemory<byte> PublicBlob { get; init; }

    /// <summary>The sealed object's TPM2B_PRIVATE in wire format (tpm2_create -r), wrapped by the SRK.</summary>
    public required ReadOnlyMemory<byte> PrivateBlob { get; init; }

    /// <summary>vault key XOR HKDF(sealed secret, PIN half): useless without both.</summary>
    public required ReadOnlyMemory<byte> MaskedKey { get; init; }

    /// <summary>Argon2id cost for the PIN, or null when the slot has no PIN.</summary>
    public TpmPinKdfCost? PinKdfCost { get; init; }

    /// <summary>Argon2id salt for the PIN (empty when the slot has no PIN).</summary>
    public ReadOnlyMemory<byte> PinSalt { get; init; }

    /// <summary>True when the parent was the persistent SRK at 0x81000001 (else created from the template each time).</summary>
    public bool PersistentSrk { get; init; }

    /// <summary>True when a PIN is required to unseal.</summary>
    public bool PinProtected => PinKdfCost is not null;

    /// <summary>Writes the parameters as the JSON object a vault slot stores.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["format"] = CurrentFormat,
            ["tcti"] = Tcti,
            ["pcr_bank"] = "sha256",
            ["pcrs"] = new JsonArray([.. PcrIndices.Select(index => (JsonNode)index)]),
            ["public"] = Convert.ToBase64String(PublicBlob.Span),
            ["private"] = Convert.ToBase64String(PrivateBlob.Span),
            ["masked_key"] = Convert.ToBase64String(MaskedKey.Span),
            ["srk"] = PersistentSrk ? string.Create(CultureInfo.InvariantCulture, $"0x{TpmConnection.SrkHandle:x8}") : "template",
        };
        json["pin"] = PinKdfCost is { } cost
            ? new JsonObject
            {
                ["kdf"] = "argon2id",
                ["memory_kib"] = cost.MemoryKib,
                ["iterations"] = cost.Iterations,
                ["parallelism"] = cost.Parallelism,
                ["salt"] = Convert.ToBase64String(PinSalt.Span),
            }
            : null;
        return json;
    }

    /// <summary>Reads the parameters back, naming the field and rule of anything malformed.</summary>
    public static TpmSlotParameters FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (ReadInt(json, "format") != CurrentFormat)
        {
            throw new InvalidInputException("tpm.format", "must be 1");
        }

        if (ReadString(json, "pcr_bank") != "sha256")
        {
            throw new InvalidInputException("tpm.pcr_bank", "must be sha256");
        }

        if (json["pcrs"] is not JsonArray pcrArray)
        {
            throw new InvalidInputException("tpm.pcrs", "must be an array of PCR indices");
        }

        var pcrs = TpmPcrSelection.Normalize(pcrArray.Select(node => node is JsonValue value && value.TryGetValue<int>(out var index)
            ? index
            : throw new InvalidInputException("tpm.pcrs", "must be an array of PCR indices")));
        var srk = ReadString(json, "srk");
        if (srk != "template" && srk != "0x81000001")
        {
            throw new InvalidInputException("tpm.srk", "must be template or 0x81000001");
        }

        var maskedKey = ReadBase64(json, "masked_key");
        if (maskedKey.Length != TpmPinKeyMixing.SecretLength)
        {
            throw new InvalidInputException("tpm.masked_key", "must be 32 bytes");
        }

        TpmPinKdfCost? cost = null;
        byte[] salt = [];
        if (json["pin"] is JsonObject pin)
        {
            if (ReadString(pin, "kdf") != "argon2id")
            {
                throw new InvalidInputException("tpm.pin.kdf", "must be argon2id");
            }

            cost = new TpmPinKdfCost((uint)ReadInt(pin, "memory_kib"), (uint)ReadInt(pin, "iterations"), (uint)ReadInt(pin, "parallelism"));
            cost.Validate();
            salt = ReadBase64(pin, "salt");
            if (salt.Length < 16)
            {
                throw new InvalidInputException("tpm.pin.salt", "must be at least 16 bytes");
            }
        }
        else if (json["pin"] is not null)
        {
            throw new InvalidInputException("tpm.pin", "must be an object or null");
        }

        return new TpmSlotParameters
        {
            Tcti = ReadString(json, "tcti"),
            PcrIndices = pcrs,
            PublicBlob = ReadBase64(json, "public"),
            PrivateBlob = ReadBase64(json, "private"),
            MaskedKey = maskedKey,
            PinKdfCost = cost,
            PinSalt = salt,
            PersistentSrk = srk != "template",
        };
    }

    private static string ReadString(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new InvalidInputException("tpm." + name, "must be a non-empty string");

    private static long ReadInt(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number
            && long.TryParse(value.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidInputException("tpm." + name, "must be a non-negative integer");

    private static byte[] ReadBase64(JsonObject json, string name)
    {
        var text = ReadString(json, name);
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer[..written]
            : throw new InvalidInputException("tpm." + name, "must be base64");
    }
}
