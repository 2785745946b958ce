using System.Globalization;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The vault of one home, opened afresh for every operation: unlock through a slot, do one thing (list,
/// sign with one wallet's secret, add, delete, enrol), zero every buffer, return. Nothing unwrapped is
/// kept between calls. Writers are serialized by a file lock and replace the file atomically.
/// </summary>
public sealed class WalletVault
{
    private static readonly TimeSpan WriteLockTimeout = TimeSpan.FromSeconds(60);

    private readonly KeyProviderRegistry _providers;
    private readonly TimeProvider _time;
    private readonly VaultUnlocker _unlocker;

    /// <summary>Binds the vault of <paramref name="home"/> to the host's unlockers (and the lockout to the state store, the home's files by default); reads nothing yet.</summary>
    public WalletVault(WalletHome home, KeyProviderRegistry providers, TimeProvider? time = null, LockoutPolicy? lockoutPolicy = null, State.IStateStore? stateStore = null)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(providers);
        Home = home;
        _providers = providers;
        _time = time ?? TimeProvider.System;
        SharedStateStore = stateStore is State.FileStateStore files && files.Root == Path.GetFullPath(home.Root) ? null : stateStore;
        Lockout = stateStore is null ? new LockoutGuard(home.StateDirectory, _time, lockoutPolicy) : new LockoutGuard(stateStore, _time, lockoutPolicy);
        _unlocker = new VaultUnlocker(providers, Lockout);
    }

    /// <summary>The home folder.</summary>
    public WalletHome Home { get; }

    /// <summary>The store other instances share with this one (a database), or null when state lives in this home's files only.</summary>
    public State.IStateStore? SharedStateStore { get; }

    /// <summary>The unlockers this vault's slots open with (a backup vault made beside it opens with the same kinds).</summary>
    public KeyProviderRegistry Providers => _providers;

    /// <summary>The failed-unlock counter (for `status` and `server_status`).</summary>
    public LockoutGuard Lockout { get; }

    /// <summary>
    /// The largest vault file read and written: one number for both, so no writer leaves a file its reader refuses.
    /// Tests lower it; it is never above <see cref="VaultDocument.MaximumFileLength"/>.
    /// </summary>
    internal int MaximumFileLength { get; init; } = VaultDocument.MaximumFileLength;

    /// <summary>Whether `vault.json` exists.</summary>
    public bool Exists => File.Exists(Home.VaultPath);

    /// <summary>
    /// Creates the vault (`init`): a random vault key wrapped by each provider in turn (e.g. a password and
    /// a recovery key), empty records and settings, and a fresh lockout record. Never overwrites a vault.
    /// </summary>
    public IReadOnlyList<SlotAdded> Create(ISecretSource secrets, params IKeyProvider[] providers) =>
        Create<object?>(secrets, providers, static _ => null).Slots;

    /// <summary>
    /// Creates the vault and runs <paramref name="initialize"/> on it before its one write (e.g. storing the audit
    /// key), with the new vault key still in hand: `init` asks for each secret once and never unlocks again.
    /// A result that is <see cref="IDisposable"/> is disposed when the write fails.
    /// </summary>
    public (IReadOnlyList<SlotAdded> Slots, T Result) Create<T>(ISecretSource secrets, IReadOnlyList<IKeyProvider> providers, Func<UnlockedVault, T> initialize)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(initialize);
        if (providers.Count == 0)
        {
            throw new InvalidInputException("unlocker", "at least one is needed to create a vault");
        }

        using var fileLock = FileLock.Acquire(Home.VaultPath, WriteLockTimeout);
        if (Exists)
        {
            throw new VaultAlreadyExistsException(Home.VaultPath);
        }

        var (document, slots, vaultKey) = UnlockedVault.Create(providers, secrets, _time);
        T result = default!;
        var initialized = false;
        try
        {
            byte[] content;
            using (var vault = UnlockedVault.Open(document, vaultKey, document.Slots[0], writable: true, _time))
            {
                result = initialize(vault);
                initialized = true;
                content = CheckedSize(vault.HasChanges ? vault.SerializeChanges() : document.Serialize());
            }

            Lockout.Initialize();
            ProtectedFile.WriteAtomic(Home.VaultPath, content);
            return (slots, result);
        }
        catch
        {
            foreach (var slot in slots)
            {
                slot.ShowOnce?.Dispose();
            }

            if (initialized && result is IDisposable disposable)
            {
                disposable.Dispose();
            }

            throw;
        }
    }

    /// <summary>The slot table, without unlocking (checked against damage, not yet against tampering).</summary>
    public IReadOnlyList<SlotInfo> ListSlots() => [.. Load().Slots.Select(SlotTable.ToInfo)];

    /// <summary>
    /// Runs after every successful unlock, before the operation: lets a host take what it needs from the same
    /// unlock (the audit key, the public wallet list, the recorded policy hash) instead of asking the unlocker
    /// twice. The vault it sees is read-only during <see cref="Read{T}"/>.
    /// </summary>
    public event Action<UnlockedVault>? Unlocked;

    /// <summary>
    /// Raised after an <see cref="Update{T}"/> wrote the vault, with the vault as written (its new generation), so a
    /// cache of authenticated settings stays current across this process's own writes without another unlock.
    /// </summary>
    public event Action<UnlockedVault>? Written;

    /// <summary>Unlocks, runs a read-only operation, zeroes everything, returns its result.</summary>
    public T Read<T>(UnlockOptions unlock, Func<UnlockedVault, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var document = Load();
        var (vaultKey, slot) = _unlocker.Unlock(document, unlock);
        using var vault = UnlockedVault.Open(document, vaultKey, slot, writable: false, _time);
        Unlocked?.Invoke(vault);
        return read(vault);
    }

    /// <summary>
    /// Read-modify-write under the vault's file lock: unlocks, runs <paramref name="edit"/>, and when it
    /// changed something writes the new file atomically. An exception in the edit writes nothing.
    /// </summary>
    public T Update<T>(UnlockOptions unlock, Func<UnlockedVault, T> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        using var fileLock = FileLock.Acquire(Home.VaultPath, WriteLockTimeout);
        ProtectedFile.DeleteStaleTemporaryFiles(Home.VaultPath);
        var document = Load();
        var (vaultKey, slot) = _unlocker.Unlock(document, unlock);
        using var vault = UnlockedVault.Open(document, vaultKey, slot, writable: true, _time);
        Unlocked?.Invoke(vault);
        var result = edit(vault);
        if (vault.HasChanges)
        {
            // Refused before anything touches the disk: the file stays as it was, and every reader can still open it.
            ProtectedFile.WriteAtomic(Home.VaultPath, CheckedSize(vault.SerializeChanges()));
            Written?.Invoke(vault);
        }

        return result;
    }

    /// <summary>The main use case (signing): one wallet's secret, for the length of <paramref name="use"/>.</summary>
    public T WithWalletSecret<T>(UnlockOptions unlock, string nameOrAddress, WalletSecretHandler<T> use) =>
        Read(unlock, vault => vault.WithWalletSecret(nameOrAddress, use));

    /// <summary>`wallet list`: every wallet's public description.</summary>
    public IReadOnlyList<WalletInfo> ListWallets(UnlockOptions unlock) => Read(unlock, vault => vault.Wallets);

    /// <summary>`wallet create` / `wallet import`: stores a wallet and its secret.</summary>
    public WalletInfo AddWallet(UnlockOptions unlock, WalletDescription wallet, ReadOnlySpan<byte> secret)
    {
        using var copy = SecureBuffer.CopyOf(secret);
        return Update(unlock, vault => vault.AddWallet(wallet, copy.ReadOnlySpan));
    }

    /// <summary>`wallet delete`: removes a wallet record.</summary>
    public WalletInfo DeleteWallet(UnlockOptions unlock, string nameOrAddress) =>
        Update(unlock, vault => vault.DeleteWallet(nameOrAddress));

    /// <summary>`slot add`: enrols another unlocker after unlocking with an existing slot.</summary>
    public SlotAdded AddSlot(UnlockOptions unlock, IKeyProvider provider, ISecretSource enrolmentSecrets) =>
        Update(unlock, vault => vault.AddSlot(provider, enrolmentSecrets));

    /// <summary>`slot remove ID`: refused for the last slot.</summary>
    public void RemoveSlot(UnlockOptions unlock, int slotId) =>
        Update(unlock, vault =>
        {
            vault.RemoveSlot(slotId);
            return true;
        });

    /// <summary>
    /// Replaces a slot (e.g. a password change): the new slot is enrolled first, and the old one removed in
    /// the same atomic write, so a failure at any point leaves a vault that the old slot still opens.
    /// </summary>
    public SlotAdded ReplaceSlot(UnlockOptions unlock, int slotId, IKeyProvider provider, ISecretSource enrolmentSecrets) =>
        Update(unlock, vault =>
        {
            var added = vault.AddSlot(provider, enrolmentSecrets);
            try
            {
                vault.RemoveSlot(slotId);
                return added;
            }
            catch
            {
                added.ShowOnce?.Dispose();
                throw;
            }
        });

    /// <summary>`slot test [ID]`: unlocks (counting failures like any unlock) and reports which slot opened the vault.</summary>
    public SlotInfo TestSlot(UnlockOptions unlock) => Read(unlock, vault => vault.OpenedBy);

    /// <summary>
    /// The generation of vault.json as it is on disk now, read without unlocking: unauthenticated, so only a hint that
    /// another process changed the vault (a cache refreshes through an authenticated unlock), never a fact to act on.
    /// </summary>
    public long StoredGeneration() => Load().Generation;

    private VaultDocument Load()
    {
        if (!Exists)
        {
            throw new VaultNotFoundException(Home.VaultPath);
        }

        return VaultDocument.Parse(ProtectedFile.ReadAllBytes(Home.VaultPath, MaximumFileLength));
    }

    private byte[] CheckedSize(byte[] content) =>
        content.Length <= MaximumFileLength
            ? content
            : throw new InvalidInputException(
                "vault",
                string.Create(CultureInfo.InvariantCulture, $"the change would make vault.json larger than {MaximumFileLength} bytes, the most a reader accepts; nothing was written (delete wallets with `hsmwallet wallet delete` first)"));
}
