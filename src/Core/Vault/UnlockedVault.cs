using System.Security.Cryptography;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The vault during one operation, between unlock and return: lists wallets, hands one wallet's secret to
/// a callback, reads settings and (inside <see cref="WalletVault.Update{T}"/>) edits. It holds the vault key and
/// decides what may happen; the work is done by its parts: <see cref="WalletRecords"/> (the wallet records),
/// <see cref="SlotTable"/> (the slot table) and <see cref="VaultSettings"/> (settings and the wallet limit). Every
/// method throws <see cref="ObjectDisposedException"/> once the operation returned: the vault key is zeroed then.
/// </summary>
public sealed class UnlockedVault : IDisposable
{
    /// <summary>How many wallets a vault holds unless the operator raised or lowered it (`hsmwallet wallet limit --set N`).</summary>
    public const int DefaultWalletLimit = 1000;

    /// <summary>
    /// The highest wallet limit the operator can set: about 1.1 KB per wallet at most keeps even a full vault well
    /// under <see cref="VaultDocument.MaximumFileLength"/>, the size every reader accepts.
    /// </summary>
    public const int MaximumWalletLimit = 10_000;

    private readonly VaultDocument _document;
    private readonly bool _writable;
    private readonly TimeProvider _time;
    private readonly VaultSettings _settings;
    private readonly WalletRecords _wallets;
    private SecureBuffer? _vaultKey;

    private UnlockedVault(VaultDocument document, SecureBuffer vaultKey, SlotEntry openedBy, bool writable, TimeProvider time)
    {
        _document = document;
        _vaultKey = vaultKey;
        _writable = writable;
        _time = time;
        OpenedBy = SlotTable.ToInfo(openedBy);
        _settings = VaultSettings.Open(document, vaultKey.ReadOnlySpan);
        _wallets = new WalletRecords(document, time);
    }

    /// <summary>The slot that opened the vault for this operation.</summary>
    public SlotInfo OpenedBy { get; }

    /// <summary>True inside <see cref="WalletVault.Update{T}"/>: settings may be changed and are written with the vault.</summary>
    public bool IsWritable => _writable;

    /// <summary>True when an edit was made that <see cref="WalletVault.Update{T}"/> will write.</summary>
    public bool HasChanges { get; private set; }

    /// <summary>The slot table.</summary>
    public IReadOnlyList<SlotInfo> Slots
    {
        get
        {
            ThrowIfDisposed();
            return [.. _document.Slots.Select(SlotTable.ToInfo)];
        }
    }

    /// <summary>Every wallet's public description (decrypts the info parts only, never a secret).</summary>
    public IReadOnlyList<WalletInfo> Wallets => _wallets.List(Key());

    /// <summary>The generation of the vault file this unlock read: a file another process changed since has another.</summary>
    public long Generation => _document.Generation;

    /// <summary>
    /// How many wallets this vault may hold: the operator's setting (authenticated with the vault's settings, so
    /// no file edit raises it), else <see cref="DefaultWalletLimit"/>. Creating or importing past it is refused.
    /// </summary>
    public int WalletLimit
    {
        get
        {
            ThrowIfDisposed();
            return _settings.WalletLimit;
        }
    }

    /// <summary>Finds a wallet by name (case-insensitive) or classic address; an unknown one is invalid input.</summary>
    public WalletInfo FindWallet(string nameOrAddress) => _wallets.Find(Key(), nameOrAddress).Info;

    /// <summary>Finds a wallet by its name only (case-insensitive), never by address: what the CLI's `--name` means.</summary>
    public WalletInfo FindWalletByName(string name) => _wallets.FindByName(Key(), name);

    /// <summary>
    /// True for text with the shape of a classic address (r and 24 to 34 base58 characters) or an X-address (X or T
    /// and 46), checksum or not: such a name could be read, or typed, as an account.
    /// </summary>
    public static bool LooksLikeAddress(string name) => WalletRecords.LooksLikeAddress(name);

    /// <summary>
    /// Decrypts ONE wallet's secret into a zeroing buffer, passes it to <paramref name="use"/>, and zeroes it
    /// before returning, whatever happens: the only way a seed or key leaves the vault.
    /// </summary>
    public T WithWalletSecret<T>(string nameOrAddress, WalletSecretHandler<T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return _wallets.WithSecret(Key(), nameOrAddress, use);
    }

    /// <summary>Adds a wallet record; mainnet wallets need a slot stronger than key files and recovery keys.</summary>
    public WalletInfo AddWallet(WalletDescription wallet, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ThrowIfReadOnly();
        var info = _wallets.Add(Key(), wallet, secret, SlotTable.HasStrongSlot(_document.Slots), () => _settings.WalletLimit);
        HasChanges = true;
        return info;
    }

    /// <summary>Removes a wallet record (its ciphertext disappears from the next file written).</summary>
    public WalletInfo DeleteWallet(string nameOrAddress)
    {
        ThrowIfReadOnly();
        var info = _wallets.Delete(Key(), nameOrAddress);
        HasChanges = true;
        return info;
    }

    /// <summary>
    /// A backup of one wallet that needs no new secret: a vault file with this vault's header and slots and
    /// that wallet's record only (settings empty), so whatever opens this vault opens the backup, and no
    /// other wallet, audit key or policy hash leaves with it. The record stays encrypted as it is.
    /// </summary>
    public byte[] ExportWallet(string nameOrAddress)
    {
        ThrowIfDisposed();
        return _wallets.Export(Key(), nameOrAddress);
    }

    /// <summary>
    /// Sets the wallet limit (1 to <see cref="MaximumWalletLimit"/>). A limit below the wallets already held keeps
    /// them all; only new ones are refused until enough are deleted.
    /// </summary>
    public void SetWalletLimit(int limit)
    {
        VaultSettings.CheckWalletLimit(limit);
        ThrowIfReadOnly();
        _settings.SetWalletLimit(limit);
        HasChanges = true;
    }

    /// <summary>
    /// Enrols a new slot: the provider wraps this vault's key; the enrolment secret (a new password) comes
    /// from <paramref name="secrets"/>. A failure leaves the vault as it was.
    /// </summary>
    public SlotAdded AddSlot(IKeyProvider provider, ISecretSource secrets)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(secrets);
        ThrowIfReadOnly();
        var added = SlotTable.Add(_document, Key(), provider, secrets, _time);
        HasChanges = true;
        return added;
    }

    /// <summary>Removes a slot; refused for the last slot, and when it would leave mainnet wallets behind only key files or recovery keys.</summary>
    public void RemoveSlot(int slotId)
    {
        ThrowIfReadOnly();
        SlotTable.Remove(_document, slotId, () => _wallets.HoldsMainnet(Key()));
        HasChanges = true;
    }

    /// <summary>Whether a vault-held setting exists.</summary>
    public bool HasSetting(string name)
    {
        ThrowIfDisposed();
        return _settings.Has(name);
    }

    /// <summary>Passes a vault-held setting (e.g. the audit HMAC key) to <paramref name="use"/>; absent settings are invalid input.</summary>
    public T WithSetting<T>(string name, SettingHandler<T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        ThrowIfDisposed();
        return _settings.With(name, use);
    }

    /// <summary>Stores (or replaces) a vault-held setting such as the audit HMAC key or the policy hash.</summary>
    public void SetSetting(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfReadOnly();
        _settings.Set(name, value);
        HasChanges = true;
    }

    /// <summary>Stores a fresh random value under a name unless one exists (e.g. the audit key on first use).</summary>
    public void EnsureRandomSetting(string name, int length)
    {
        ThrowIfReadOnly();
        if (HasSetting(name))
        {
            return;
        }

        using var value = SecureBuffer.Random(length);
        SetSetting(name, value.ReadOnlySpan);
    }

    /// <summary>Removes a vault-held setting; returns whether it existed.</summary>
    public bool RemoveSetting(string name)
    {
        ThrowIfReadOnly();
        if (!_settings.Remove(name))
        {
            return false;
        }

        HasChanges = true;
        return true;
    }

    /// <summary>Zeroes the vault key and every setting; the object is unusable afterwards.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _vaultKey, null)?.Dispose();
        _settings.Dispose();
        _wallets.Forget();
    }

    internal static UnlockedVault Open(VaultDocument document, SecureBuffer vaultKey, SlotEntry openedBy, bool writable, TimeProvider time)
    {
        try
        {
            return new UnlockedVault(document, vaultKey, openedBy, writable, time);
        }
        catch
        {
            vaultKey.Dispose();
            throw;
        }
    }

    /// <summary>Creates the first document of a new vault, enrolling each provider in turn.</summary>
    internal static (VaultDocument Document, List<SlotAdded> Slots, SecureBuffer VaultKey) Create(
        IReadOnlyList<IKeyProvider> providers, ISecretSource secrets, TimeProvider time)
    {
        var vaultKey = SecureBuffer.Random(SlotKeyWrap.KeyLength);
        var vaultId = RandomNumberGenerator.GetBytes(16);
        var now = time.GetUtcNow();
        var document = new VaultDocument
        {
            VaultId = vaultId,
            Created = now,
            Modified = now,
            Generation = 1,
            KeyCheck = RecordCipher.KeyCheck(vaultKey.ReadOnlySpan, vaultId),
        };
        var added = new List<SlotAdded>();
        try
        {
            foreach (var provider in providers)
            {
                added.Add(SlotTable.Add(document, vaultKey.ReadOnlySpan, provider, secrets, time));
            }

            VaultSettings.SealEmpty(document, vaultKey.ReadOnlySpan);
            return (document, added, vaultKey);
        }
        catch
        {
            vaultKey.Dispose();
            foreach (var slot in added)
            {
                slot.ShowOnce?.Dispose();
            }

            throw;
        }
    }

    /// <summary>Seals the settings (fresh salt and IV) over the current header, slots and records, bumping the generation.</summary>
    internal byte[] SerializeChanges()
    {
        _document.Generation++;
        _document.Modified = _time.GetUtcNow();
        _settings.SealInto(_document, Key());
        return _document.Serialize();
    }

    private ReadOnlySpan<byte> Key() => (_vaultKey ?? throw new ObjectDisposedException(nameof(UnlockedVault))).ReadOnlySpan;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_vaultKey is null, this);

    private void ThrowIfReadOnly()
    {
        ThrowIfDisposed();
        if (!_writable)
        {
            throw new InvalidOperationException("this vault was opened for reading; use WalletVault.Update to change it");
        }
    }
}
