using System.Buffers.Binary;
using System.Globalization;
using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The vault's settings while it is unlocked: named values (audit HMAC key, policy hash, wallet limit) decrypted
/// into zeroing buffers, and sealed back under the vault key with the header and slot table as associated data.
/// <see cref="UnlockedVault"/> owns one and decides whether it may be changed.
/// </summary>
internal sealed class VaultSettings : IDisposable
{
    /// <summary>Longest setting value, in bytes.</summary>
    public const int MaximumValueLength = 4096;

    /// <summary>Longest setting name, in characters.</summary>
    public const int MaximumNameLength = 64;

    private const string Purpose = "settings";

    private readonly Dictionary<string, SecureBuffer> _values;

    private VaultSettings(Dictionary<string, SecureBuffer> values)
    {
        _values = values;
    }

    /// <summary>Decrypts the document's settings; a missing or altered blob is an integrity failure.</summary>
    public static VaultSettings Open(VaultDocument document, ReadOnlySpan<byte> vaultKey)
    {
        using var plaintext = RecordCipher.Open(
            vaultKey, Purpose, document.SettingsAssociatedData(),
            document.Settings ?? throw new VaultIntegrityException("vault.json: no settings"), "vault header and slot table");
        return new VaultSettings(SettingsCodec.Decode(plaintext.ReadOnlySpan));
    }

    /// <summary>Seals no settings at all into <paramref name="document"/>: a new vault, or a one-wallet export.</summary>
    public static void SealEmpty(VaultDocument document, ReadOnlySpan<byte> vaultKey) => Seal(document, vaultKey, new Dictionary<string, SecureBuffer>());

    /// <summary>Seals these settings (fresh salt and IV) over the document's current header and slots.</summary>
    public void SealInto(VaultDocument document, ReadOnlySpan<byte> vaultKey) => Seal(document, vaultKey, _values);

    /// <summary>Whether a setting exists.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Passes a setting to <paramref name="use"/>; an absent one is invalid input.</summary>
    public T With<T>(string name, SettingHandler<T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        if (!_values.TryGetValue(name, out var value))
        {
            throw new InvalidInputException("setting", "is not in the vault");
        }

        return use(value.ReadOnlySpan);
    }

    /// <summary>Stores (or replaces) a setting, within the name and value bounds.</summary>
    public void Set(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaximumNameLength || value.Length > MaximumValueLength)
        {
            throw new InvalidInputException("setting", $"names are at most {MaximumNameLength} characters and values at most {MaximumValueLength} bytes");
        }

        if (_values.Remove(name, out var old))
        {
            old.Dispose();
        }

        _values[name] = SecureBuffer.CopyOf(value);
    }

    /// <summary>Removes a setting; returns whether it existed.</summary>
    public bool Remove(string name)
    {
        if (!_values.Remove(name, out var old))
        {
            return false;
        }

        old.Dispose();
        return true;
    }

    /// <summary>The operator's wallet limit, else <see cref="UnlockedVault.DefaultWalletLimit"/>.</summary>
    public int WalletLimit
    {
        get
        {
            if (!_values.TryGetValue(VaultSettingNames.WalletLimit, out var value))
            {
                return UnlockedVault.DefaultWalletLimit;
            }

            return value.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(value.ReadOnlySpan) : throw new VaultIntegrityException("vault settings: the wallet limit is malformed");
        }
    }

    /// <summary>Refuses a wallet limit outside 1 to <see cref="UnlockedVault.MaximumWalletLimit"/>, naming the field.</summary>
    public static void CheckWalletLimit(int limit)
    {
        if (limit is < 1 or > UnlockedVault.MaximumWalletLimit)
        {
            throw new InvalidInputException("limit", string.Create(CultureInfo.InvariantCulture, $"must be 1 to {UnlockedVault.MaximumWalletLimit}"));
        }
    }

    /// <summary>Sets the wallet limit (1 to <see cref="UnlockedVault.MaximumWalletLimit"/>).</summary>
    public void SetWalletLimit(int limit)
    {
        CheckWalletLimit(limit);
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(value, limit);
        Set(VaultSettingNames.WalletLimit, value);
    }

    /// <summary>Zeroes every value.</summary>
    public void Dispose()
    {
        foreach (var value in _values.Values)
        {
            value.Dispose();
        }

        _values.Clear();
    }

    private static void Seal(VaultDocument document, ReadOnlySpan<byte> vaultKey, IReadOnlyDictionary<string, SecureBuffer> values)
    {
        using var plaintext = SettingsCodec.Encode(values);
        document.Settings = null;
        document.Settings = RecordCipher.Seal(vaultKey, Purpose, document.SettingsAssociatedData(), plaintext.ReadOnlySpan);
    }
}
