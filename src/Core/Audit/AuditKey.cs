using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The audit HMAC key in a pinned array zeroed on Dispose, with the MAC operations the writer and
/// verifier share; one reused IncrementalHash keeps verification free of per-entry allocations.
/// </summary>
internal sealed class AuditKey : IDisposable
{
    /// <summary>The key length the vault provides: 32 random bytes.</summary>
    public const int Length = 32;

    public const int MacLength = 32;

    private readonly byte[] key;
    private readonly IncrementalHash hmac;
    private readonly Lock gate = new();
    private bool disposed;

    public AuditKey(ReadOnlySpan<byte> keyBytes)
    {
        if (keyBytes.Length != Length)
        {
            throw new InvalidInputException("audit_key", "must be 32 bytes");
        }

        key = GC.AllocateArray<byte>(Length, pinned: true);
        keyBytes.CopyTo(key);
        hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }

    /// <summary>A separate key for another purpose (HMAC-SHA256 of <paramref name="label"/> under this key), so one vault secret serves both without a MAC of one being valid for the other.</summary>
    public AuditKey Derive(string label)
    {
        Span<byte> derived = stackalloc byte[Length];
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            HMACSHA256.HashData(key, System.Text.Encoding.ASCII.GetBytes(label), derived);
        }

        try
        {
            return new AuditKey(derived);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>MAC over the concatenation of two byte runs (a line with its hash property cut out).</summary>
    public void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            hmac.AppendData(first);
            hmac.AppendData(second);
            hmac.GetHashAndReset(mac);
        }
    }

    /// <summary>MAC over the canonical JSON of an object, as lowercase hex.</summary>
    public string ComputeHex(JsonObject json)
    {
        Span<byte> mac = stackalloc byte[MacLength];
        Compute(JsonCanonicalizer.Serialize(json), default, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>A separate HMAC instance over the same key, for one verifying thread (the caller disposes it).</summary>
    public IncrementalHash CreateHmac()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }
    }

    /// <summary>True when a line's hash field is the MAC of its canonical form without that field.</summary>
    public bool VerifyLine(ReadOnlySpan<byte> line, in AuditLineFields fields, IncrementalHash? threadHmac = null)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        if (!Hex.TryDecodeLower(line[fields.Hash], expected))
        {
            return false;
        }

        // Fast path: a line as the writer wrote it is canonical, so cutting out "hash":"...", gives
        // exactly the canonical form without the hash.
        Span<byte> actual = stackalloc byte[MacLength];
        if (threadHmac is null)
        {
            Compute(line[..fields.HashPropertyStart], line[fields.HashPropertyEnd..], actual);
        }
        else
        {
            threadHmac.AppendData(line[..fields.HashPropertyStart]);
            threadHmac.AppendData(line[fields.HashPropertyEnd..]);
            threadHmac.GetHashAndReset(actual);
        }

        if (CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return true;
        }

        // Slow path: an authentic entry re-serialized differently (spacing, key order) still verifies.
        try
        {
            if (JsonNode.Parse(line) is not JsonObject json)
            {
                return false;
            }

            json.Remove("hash");
            Compute(JsonCanonicalizer.Serialize(json), default, actual);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidInputException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            CryptographicOperations.ZeroMemory(key);
            hmac.Dispose();
        }
    }
}
