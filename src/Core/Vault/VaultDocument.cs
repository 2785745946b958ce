using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The `vault.json` file, format version 1, as data: header, slot table, encrypted records, encrypted
/// settings and a checksum. It has exactly one byte form (canonical JSON), so any altered byte is caught:
/// by the parser, by the canonical comparison, by the checksum, or by the settings' GCM tag whose
/// associated data is everything before it.
/// </summary>
internal sealed class VaultDocument
{
    public const string FormatName = "hsmwallet-vault";
    public const int FormatVersion = 1;
    public const string CipherName = "aes-256-gcm+hkdf-sha256";

    /// <summary>The largest `vault.json` any reader accepts, and so the largest any writer may write (16 MiB).</summary>
    public const int MaximumFileLength = 16 * 1024 * 1024;
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const string ChecksumPrefix = "sha256:";
    private static readonly byte[] AssociatedDataPrefix = Encoding.ASCII.GetBytes("hsmwallet-vault/1 ");

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public required byte[] VaultId { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; set; }

    public required long Generation { get; set; }

    public required byte[] KeyCheck { get; init; }

    public List<SlotEntry> Slots { get; init; } = [];

    public List<RecordEntry> Records { get; init; } = [];

    public Envelope? Settings { get; set; }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Parses and verifies the file's form and checksum; any deviation is a <see cref="VaultIntegrityException"/>.</summary>
    public static VaultDocument Parse(byte[] content)
    {
        VaultDocument document;
        string checksum;
        try
        {
            using var json = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            var root = json.RootElement;
            if (root.GetProperty("format").GetString() != FormatName)
            {
                throw new VaultIntegrityException("vault.json: not an HsmWallet vault");
            }

            if (root.GetProperty("version").GetInt32() != FormatVersion)
            {
                throw new VaultIntegrityException("vault.json: unsupported format version");
            }

            if (root.GetProperty("cipher").GetString() != CipherName)
            {
                throw new VaultIntegrityException("vault.json: unsupported cipher");
            }

            document = new VaultDocument
            {
                VaultId = Bytes(root, "vaultId", 16),
                Created = ParseTime(root.GetProperty("created").GetString()!),
                Modified = ParseTime(root.GetProperty("modified").GetString()!),
                Generation = root.GetProperty("generation").GetInt64(),
                KeyCheck = Bytes(root, "keyCheck", RecordCipher.KeyLength),
                Settings = ReadEnvelope(root.GetProperty("settings")),
            };
            foreach (var slot in root.GetProperty("slots").EnumerateArray())
            {
                document.Slots.Add(new SlotEntry(
                    slot.GetProperty("id").GetInt32(),
                    slot.GetProperty("kind").GetString()!,
                    slot.GetProperty("hardwareBacked").GetBoolean(),
                    ParseTime(slot.GetProperty("created").GetString()!),
                    JsonNode.Parse(slot.GetProperty("parameters").GetRawText())!.AsObject()));
            }

            foreach (var record in root.GetProperty("records").EnumerateArray())
            {
                document.Records.Add(new RecordEntry(
                    Bytes(record, "id", 16),
                    ReadEnvelope(record.GetProperty("info")),
                    ReadEnvelope(record.GetProperty("secret"))));
            }

            checksum = root.GetProperty("checksum").GetString()!;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException
            or InvalidOperationException or ArgumentException or NullReferenceException or OverflowException)
        {
            throw new VaultIntegrityException("vault.json: damaged (not a well-formed vault file)", exception);
        }

        if (!string.Equals(checksum, document.Checksum(), StringComparison.Ordinal))
        {
            throw new VaultIntegrityException("vault.json: damaged or altered (checksum mismatch)");
        }

        if (!content.AsSpan().SequenceEqual(document.Serialize()))
        {
            throw new VaultIntegrityException("vault.json: damaged or altered (not in canonical form)");
        }

        return document;
    }

    /// <summary>The canonical bytes of the whole file.</summary>
    public byte[] Serialize() => Write(includeSettings: true, checksum: Checksum());

    /// <summary>
    /// Associated data of the settings envelope: the vault id and a hash of the header, slot table and
    /// records, so any change to them (a swapped slot, a dropped record) fails the settings' GCM tag.
    /// </summary>
    public byte[] SettingsAssociatedData()
    {
        var hash = SHA256.HashData(Write(includeSettings: false, checksum: null));
        return [.. AssociatedDataPrefix, .. VaultId, .. Encoding.ASCII.GetBytes("settings "), .. hash];
    }

    /// <summary>Associated data of one record part: the vault id, the record id and the part.</summary>
    public byte[] RecordAssociatedData(ReadOnlySpan<byte> recordId, string part) =>
        [.. AssociatedDataPrefix, .. VaultId, .. recordId, .. Encoding.ASCII.GetBytes(" " + part)];

    private string Checksum() =>
        ChecksumPrefix + Convert.ToHexStringLower(SHA256.HashData(Write(includeSettings: true, checksum: null)));

    private static byte[] Bytes(JsonElement element, string name, int? length = null)
    {
        var bytes = Convert.FromBase64String(element.GetProperty(name).GetString()!);
        if (length is { } expected && bytes.Length != expected)
        {
            throw new FormatException($"{name} has the wrong length");
        }

        return bytes;
    }

    private static Envelope ReadEnvelope(JsonElement element) => new(
        Bytes(element, "salt", RecordCipher.SaltLength),
        Bytes(element, "iv", RecordCipher.IvLength),
        Bytes(element, "commitment", RecordCipher.KeyLength),
        Bytes(element, "ciphertext"),
        Bytes(element, "tag", RecordCipher.TagLength));

    private static void WriteEnvelope(Utf8JsonWriter writer, string name, Envelope envelope)
    {
        writer.WriteStartObject(name);
        writer.WriteString("salt", Convert.ToBase64String(envelope.Salt));
        writer.WriteString("iv", Convert.ToBase64String(envelope.Iv));
        writer.WriteString("commitment", Convert.ToBase64String(envelope.Commitment));
        writer.WriteString("ciphertext", Convert.ToBase64String(envelope.Ciphertext));
        writer.WriteString("tag", Convert.ToBase64String(envelope.Tag));
        writer.WriteEndObject();
    }

    private byte[] Write(bool includeSettings, string? checksum)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("vaultId", Convert.ToBase64String(VaultId));
            writer.WriteString("created", FormatTime(Created));
            writer.WriteString("modified", FormatTime(Modified));
            writer.WriteNumber("generation", Generation);
            writer.WriteString("cipher", CipherName);
            writer.WriteString("keyCheck", Convert.ToBase64String(KeyCheck));
            writer.WriteStartArray("slots");
            foreach (var slot in Slots)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", slot.Id);
                writer.WriteString("kind", slot.Kind);
                writer.WriteBoolean("hardwareBacked", slot.HardwareBacked);
                writer.WriteString("created", FormatTime(slot.Created));
                writer.WritePropertyName("parameters");
                slot.Parameters.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("records");
            foreach (var record in Records)
            {
                writer.WriteStartObject();
                writer.WriteString("id", Convert.ToBase64String(record.Id));
                WriteEnvelope(writer, "info", record.Info);
                WriteEnvelope(writer, "secret", record.Secret);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (includeSettings)
            {
                WriteEnvelope(writer, "settings", Settings ?? throw new InvalidOperationException("the settings are not sealed"));
            }

            if (checksum is not null)
            {
                writer.WriteString("checksum", checksum);
            }

            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}

/// <summary>One slot of the table: the same vault key wrapped by one unlocker, with the provider's parameters.</summary>
internal sealed record SlotEntry(int Id, string Kind, bool HardwareBacked, DateTimeOffset Created, JsonObject Parameters);

/// <summary>One wallet record: its public description and its secret, sealed separately so a listing never decrypts a secret.</summary>
internal sealed record RecordEntry(byte[] Id, Envelope Info, Envelope Secret);
