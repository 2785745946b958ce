using System.Security.Cryptography;
using System.Text.Json;

namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// The persisted lockout state (recent attempts, lockout count, lock end) and its HMAC-protected JSON form,
/// so an edit of the file is detected rather than believed.
/// </summary>
internal sealed class LockoutRecord
{
    private const int Version = 1;

    public List<LockoutEntry> Attempts { get; } = [];

    public int Lockouts { get; set; }

    public long? LockedUntil { get; set; }

    public static LockoutRecord Parse(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key)
    {
        var record = new LockoutRecord();
        byte[] mac;
        try
        {
            using var document = JsonDocument.Parse(content.ToArray());
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != Version)
            {
                throw new FormatException("unknown version");
            }

            foreach (var attempt in root.GetProperty("attempts").EnumerateArray())
            {
                var pending = attempt.TryGetProperty("pending", out var flag) && flag.GetBoolean();
                record.Attempts.Add(new LockoutEntry(attempt.GetProperty("id").GetString()!, attempt.GetProperty("at").GetInt64(), pending));
            }

            record.Lockouts = root.GetProperty("lockouts").GetInt32();
            var until = root.GetProperty("lockedUntil");
            record.LockedUntil = until.ValueKind == JsonValueKind.Null ? null : until.GetInt64();
            mac = Convert.FromBase64String(root.GetProperty("mac").GetString()!);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException
            or InvalidOperationException or ArgumentException)
        {
            throw new CryptographicException("the lockout record cannot be read", exception);
        }

        var expected = HMACSHA256.HashData(key, record.Serialize(includeMac: false, key));
        if (!CryptographicOperations.FixedTimeEquals(expected, mac) || !content.SequenceEqual(record.Serialize(includeMac: true, key)))
        {
            throw new CryptographicException("the lockout record fails its integrity check");
        }

        return record;
    }

    public byte[] Serialize(ReadOnlySpan<byte> key) => Serialize(includeMac: true, key);

    private byte[] Serialize(bool includeMac, ReadOnlySpan<byte> key)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", Version);
            writer.WriteStartArray("attempts");
            foreach (var attempt in Attempts)
            {
                writer.WriteStartObject();
                writer.WriteString("id", attempt.Id);
                writer.WriteNumber("at", attempt.At);
                if (attempt.Pending)
                {
                    // Written only when true, so records from before pending attempts existed read unchanged.
                    writer.WriteBoolean("pending", true);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("lockouts", Lockouts);
            if (LockedUntil is { } until)
            {
                writer.WriteNumber("lockedUntil", until);
            }
            else
            {
                writer.WriteNull("lockedUntil");
            }

            if (includeMac)
            {
                writer.WriteString("mac", Convert.ToBase64String(HMACSHA256.HashData(key, Serialize(includeMac: false, key))));
            }

            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}

/// <summary>One counted attempt: a failure, or (Pending) a guessable secret under test whose outcome is not known yet.</summary>
/// <param name="Id">Random id, so the attempt's own outcome settles this entry and no other.</param>
/// <param name="At">When it was counted (Unix milliseconds).</param>
/// <param name="Pending">True while the secret is being tested; a pending attempt older than the policy's limit is a failure.</param>
internal readonly record struct LockoutEntry(string Id, long At, bool Pending = false);
