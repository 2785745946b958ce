using System.Buffers.Binary;
using System.Collections.Concurrent;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// Remembers recent address conversions. Turning an address into bytes or back costs a base58
/// conversion and two SHA-256 checksums, and a wallet's transactions name the same few accounts over
/// and over; addresses are public, so keeping them in memory reveals nothing.
/// </summary>
internal static class AddressCache
{
    private const int Capacity = 4096;

    private static readonly BoundedCache<string, AccountId> AccountsByAddress = new(StringComparer.Ordinal);
    private static readonly BoundedCache<AccountKey, string> AddressesByAccount = new(null);

    /// <summary>Parses a classic or X-address, answering repeated classic addresses from memory.</summary>
    public static AccountId Parse(string address, string field, out uint? tag)
    {
        if (AccountsByAddress.TryGetValue(address, out var cached))
        {
            tag = null;
            return cached;
        }

        var account = AccountId.Parse(address, field, out tag);
        if (!XAddress.LooksLikeXAddress(address))
        {
            AccountsByAddress.Add(address, account);
        }

        return account;
    }

    /// <summary>Prints 20 account bytes as a classic address, answering repeats from memory.</summary>
    public static string ToClassicAddress(ReadOnlySpan<byte> bytes)
    {
        var key = AccountKey.From(bytes);
        if (AddressesByAccount.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var address = AccountId.FromBytes(bytes).ToClassicAddress();
        AddressesByAccount.Add(key, address);
        return address;
    }

    /// <summary>A thread-safe map that starts over when full: simpler than eviction, and refilling costs microseconds.</summary>
    private sealed class BoundedCache<TKey, TValue>(IEqualityComparer<TKey>? comparer)
        where TKey : notnull
    {
        private readonly ConcurrentDictionary<TKey, TValue> _entries = new(comparer);
        private int _count;

        public bool TryGetValue(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

        public void Add(TKey key, TValue value)
        {
            if (Interlocked.Increment(ref _count) > Capacity)
            {
                _entries.Clear();
                Interlocked.Exchange(ref _count, 0);
            }

            _entries.TryAdd(key, value);
        }
    }

    /// <summary>The 20 bytes of an account as a value type, so lookups allocate nothing.</summary>
    private readonly record struct AccountKey(ulong First, ulong Second, uint Last)
    {
        public static AccountKey From(ReadOnlySpan<byte> bytes) => new(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
    }
}
