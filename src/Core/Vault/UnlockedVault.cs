using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The vault during one operation, between unlock and return: lists wallets, hands one wallet's secret to
/// a callback, reads settings and (inside <see cref="WalletVault.Update{T}"/>) edits. Every method throws
/// <see cref="ObjectDisposedException"/> once the operation returned: the vault key is zeroed then.
/// </summary>
public sealed class UnlockedVault : IDisposable
{
    private const string InfoPart = "wallet-info";
    private const string SecretPart = "wallet-secret";
    private const string SettingsPurpose = "settings";
    private const int MaximumSecretLength = 128;
    private const int MaximumSettingLength = 4096;

    /// <summary>How many wallets a vault holds unless the operator raised or lowered it (`hsmwallet wallet limit --set N`).</summary>
    public const int DefaultWalletLimit = 1000;

    /// <summary>
    /// The highest wallet limit the operator can set: about 1.1 KB per wallet at most keeps even a full vault well
    /// under <see cref="VaultDocument.MaximumFileLength"/>, the size every reader accepts.
    /// </summary>
    public const int MaximumWalletLimit = 10_000;

    private static readonly HashSet<string> Networks = new(StringComparer.Ordinal) { "mainnet", "testnet", "devnet" };
    private static readonly System.Buffers.SearchValues<char> Base58Characters =
        System.Buffers.SearchValues.Create("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    private static readonly HashSet<string> SoftKinds = new(StringComparer.Ordinal) { "keyfile", "recovery" };

    private readonly VaultDocument _document;
    private readonly bool _writable;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SecureBuffer> _settings;
    private SecureBuffer? _vaultKey;
    private List<(WalletInfo Info, RecordEntry Record)>? _wallets;

    private UnlockedVault(VaultDocument document, SecureBuffer vaultKey, SlotEntry openedBy, bool writable, TimeProvider time)
    {
        _document = document;
        _vaultKey = vaultKey;
        _writable = writable;
        _time = time;
        OpenedBy = ToInfo(openedBy);
        using var settings = RecordCipher.Open(
            vaultKey.ReadOnlySpan, SettingsPurpose, document.SettingsAssociatedData(),
            document.Settings ?? throw new VaultIntegrityException("vault.json: no settings"), "vault header and slot table");
        _settings = SettingsCodec.Decode(settings.ReadOnlySpan);
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
            return [.. _document.Slots.Select(ToInfo)];
        }
    }

    /// <summary>Every wallet's public description (decrypts the info parts only, never a secret).</summary>
    public IReadOnlyList<WalletInfo> Wallets => [.. LoadWallets().Select(wallet => wallet.Info)];

    /// <summary>Finds a wallet by name (case-insensitive) or classic address; an unknown one is invalid input.</summary>
    public WalletInfo FindWallet(string nameOrAddress) => Find(nameOrAddress).Info;

    /// <summary>
    /// Decrypts ONE wallet's secret into a zeroing buffer, passes it to <paramref name="use"/>, and zeroes it
    /// before returning, whatever happens: the only way a seed or key leaves the vault.
    /// </summary>
    public T WithWalletSecret<T>(string nameOrAddress, WalletSecretHandler<T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var (info, record) = Find(nameOrAddress);
        using var secret = RecordCipher.Open(
            Key(), SecretPart, _document.RecordAssociatedData(record.Id, SecretPart), record.Secret, $"wallet record {info.Id}");
        return use(secret.ReadOnlySpan, info);
    }

    /// <summary>Whether a vault-held setting exists.</summary>
    public bool HasSetting(string name)
    {
        ThrowIfDisposed();
        return _settings.ContainsKey(name);
    }

    /// <summary>Passes a vault-held setting (e.g. the audit HMAC key) to <paramref name="use"/>; absent settings are invalid input.</summary>
    public T WithSetting<T>(string name, SettingHandler<T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        ThrowIfDisposed();
        if (!_settings.TryGetValue(name, out var value))
        {
            throw new InvalidInputException("setting", "is not in the vault");
        }

        return use(value.ReadOnlySpan);
    }

    /// <summary>Adds a wallet record; mainnet wallets need a slot stronger than key files and recovery keys.</summary>
    public WalletInfo AddWallet(WalletDescription wallet, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ThrowIfReadOnly();
        Validate(wallet);
        if (secret.IsEmpty || secret.Length > MaximumSecretLength)
        {
            throw new InvalidInputException("secret", $"must be 1 to {MaximumSecretLength} bytes");
        }

        if (wallet.Network == "mainnet" && !HasStrongSlot(_document.Slots))
        {
            throw new InvalidInputException(
                "network",
                "mainnet wallets need a password, PKCS#11 or TPM slot; a vault opened only by key files or recovery keys holds testnet and devnet wallets");
        }

        var wallets = LoadWallets();
        var limit = WalletLimit;
        if (wallets.Count >= limit)
        {
            throw new InvalidInputException(
                "wallets",
                string.Create(CultureInfo.InvariantCulture, $"the vault holds {wallets.Count} wallets and its limit is {limit}; the operator deletes one (`hsmwallet wallet delete`) or raises the limit (`hsmwallet wallet limit --set N`, at most {MaximumWalletLimit})"));
        }

        if (wallets.Any(existing => string.Equals(existing.Info.Name, wallet.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidInputException("name", "is already used by another wallet");
        }

        if (wallets.Any(existing => string.Equals(existing.Info.Address, wallet.Address, StringComparison.Ordinal)))
        {
            throw new InvalidInputException("address", "is already in the vault under another name");
        }

        var id = RandomNumberGenerator.GetBytes(16);
        var info = new WalletInfo(Convert.ToHexStringLower(id), wallet.Name, wallet.KeyType, wallet.Network, wallet.Address, wallet.PublicKey, _time.GetUtcNow());
        var infoBytes = SerializeInfo(info);
        try
        {
            var record = new RecordEntry(
                id,
                RecordCipher.Seal(Key(), InfoPart, _document.RecordAssociatedData(id, InfoPart), infoBytes),
                RecordCipher.Seal(Key(), SecretPart, _document.RecordAssociatedData(id, SecretPart), secret));
            _document.Records.Add(record);
            wallets.Add((info, record));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(infoBytes);
        }

        HasChanges = true;
        return info;
    }

    /// <summary>
    /// How many wallets this vault may hold: the operator's setting (authenticated with the vault's settings, so
    /// no file edit raises it), else <see cref="DefaultWalletLimit"/>. Creating or importing past it is refused.
    /// </summary>
    public int WalletLimit
    {
        get
        {
            ThrowIfDisposed();
            if (!_settings.TryGetValue(VaultSettingNames.WalletLimit, out var value))
            {
                return DefaultWalletLimit;
            }

            return value.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(value.ReadOnlySpan) : throw new VaultIntegrityException("vault settings: the wallet limit is malformed");
        }
    }

    /// <summary>
    /// Sets the wallet limit (1 to <see cref="MaximumWalletLimit"/>). A limit below the wallets already held keeps
    /// them all; only new ones are refused until enough are deleted.
    /// </summary>
    public void SetWalletLimit(int limit)
    {
        if (limit is < 1 or > MaximumWalletLimit)
        {
            throw new InvalidInputException("limit", string.Create(CultureInfo.InvariantCulture, $"must be 1 to {MaximumWalletLimit}"));
        }

        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(value, limit);
        SetSetting(VaultSettingNames.WalletLimit, value);
    }

    /// <summary>Removes a wallet record (its ciphertext disappears from the next file written).</summary>
    public WalletInfo DeleteWallet(string nameOrAddress)
    {
        ThrowIfReadOnly();
        var wallet = Find(nameOrAddress);
        _document.Records.Remove(wallet.Record);
        LoadWallets().Remove(wallet);
        HasChanges = true;
        return wallet.Info;
    }

    /// <summary>
    /// A backup of one wallet that needs no new secret: a vault file with this vault's header and slots and
    /// that wallet's record only (settings empty), so whatever opens this vault opens the backup, and no
    /// other wallet, audit key or policy hash leaves with it. The record stays encrypted as it is.
    /// </summary>
    public byte[] ExportWallet(string nameOrAddress)
    {
        ThrowIfDisposed();
        var wallet = Find(nameOrAddress);
        var copy = VaultDocument.Parse(_document.Serialize());
        copy.Records.RemoveAll(record => !record.Id.AsSpan().SequenceEqual(wallet.Record.Id));
        copy.Generation = 1;
        copy.Modified = _time.GetUtcNow();
        Seal(copy, Key(), new Dictionary<string, SecureBuffer>());
        return copy.Serialize();
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
        var slot = Enrol(_document, Key(), provider, secrets, _time, out var showOnce);
        _document.Slots.Add(slot);
        HasChanges = true;
        return new SlotAdded(ToInfo(slot), showOnce);
    }

    /// <summary>Removes a slot; refused for the last slot, and when it would leave mainnet wallets behind only key files or recovery keys.</summary>
    public void RemoveSlot(int slotId)
    {
        ThrowIfReadOnly();
        var slot = _document.Slots.Find(entry => entry.Id == slotId)
            ?? throw new InvalidInputException("slot", "is not in the vault's slot table");
        if (_document.Slots.Count == 1)
        {
            throw new InvalidInputException("slot", "is the vault's last slot; add another slot first");
        }

        var remaining = _document.Slots.Where(entry => entry.Id != slotId).ToList();
        if (!HasStrongSlot(remaining) && LoadWallets().Any(wallet => wallet.Info.Network == "mainnet"))
        {
            throw new InvalidInputException("slot", "is the last password, PKCS#11 or TPM slot of a vault holding mainnet wallets");
        }

        _document.Slots.Remove(slot);
        HasChanges = true;
    }

    /// <summary>Stores (or replaces) a vault-held setting such as the audit HMAC key or the policy hash.</summary>
    public void SetSetting(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfReadOnly();
        if (name.Length > 64 || value.Length > MaximumSettingLength)
        {
            throw new InvalidInputException("setting", $"names are at most 64 characters and values at most {MaximumSettingLength} bytes");
        }

        if (_settings.Remove(name, out var old))
        {
            old.Dispose();
        }

        _settings[name] = SecureBuffer.CopyOf(value);
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
        if (!_settings.Remove(name, out var old))
        {
            return false;
        }

        old.Dispose();
        HasChanges = true;
        return true;
    }

    /// <summary>Zeroes the vault key and every setting; the object is unusable afterwards.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _vaultKey, null)?.Dispose();
        foreach (var value in _settings.Values)
        {
            value.Dispose();
        }

        _settings.Clear();
        _wallets = null;
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
                var slot = Enrol(document, vaultKey.ReadOnlySpan, provider, secrets, time, out var showOnce);
                document.Slots.Add(slot);
                added.Add(new SlotAdded(ToInfo(slot), showOnce));
            }

            Seal(document, vaultKey.ReadOnlySpan, new Dictionary<string, SecureBuffer>());
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
        Seal(_document, Key(), _settings);
        return _document.Serialize();
    }

    internal static SlotInfo ToInfo(SlotEntry slot) =>
        new(slot.Id, slot.Kind, slot.HardwareBacked, slot.Created, slot.Parameters.DeepClone().AsObject());

    private static void Seal(VaultDocument document, ReadOnlySpan<byte> vaultKey, IReadOnlyDictionary<string, SecureBuffer> settings)
    {
        using var plaintext = SettingsCodec.Encode(settings);
        document.Settings = null;
        document.Settings = RecordCipher.Seal(vaultKey, SettingsPurpose, document.SettingsAssociatedData(), plaintext.ReadOnlySpan);
    }

    private static SlotEntry Enrol(VaultDocument document, ReadOnlySpan<byte> vaultKey, IKeyProvider provider, ISecretSource secrets, TimeProvider time, out SecureBuffer? showOnce)
    {
        var id = document.Slots.Count == 0 ? 1 : document.Slots.Max(slot => slot.Id) + 1;
        var binding = new SlotBinding(document.VaultId, id, provider.Kind);
        var request = provider.EnrolmentSecret(binding);
        SecureBuffer? secret = null;
        try
        {
            if (request is not null)
            {
                secret = secrets.TryRead(request)
                    ?? throw new UnlockFailedException(UnlockFailureReason.NoSecret, $"slot {id} ({provider.Kind}): no secret was given for the new slot");
            }

            var enrolment = provider.Enrol(vaultKey, binding, secret is null ? ReadOnlySpan<byte>.Empty : secret.ReadOnlySpan);
            showOnce = enrolment.ShowOnce;
            return new SlotEntry(id, provider.Kind, provider.IsHardwareBacked, time.GetUtcNow(), enrolment.Parameters);
        }
        finally
        {
            secret?.Dispose();
        }
    }

    private static bool HasStrongSlot(IEnumerable<SlotEntry> slots) => slots.Any(slot => !SoftKinds.Contains(slot.Kind));

    private static void Validate(WalletDescription wallet)
    {
        if (string.IsNullOrEmpty(wallet.Name) || wallet.Name.Length > 64 || !char.IsAsciiLetterOrDigit(wallet.Name[0])
            || !wallet.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new InvalidInputException("name", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (LooksLikeAddress(wallet.Name))
        {
            throw new InvalidInputException("name", "must not look like an XRPL address (r... or X-address): a wallet name is never an address, so no name can stand for another wallet's account");
        }

        _ = KeyTypes.Parse(wallet.KeyType, "key_type");

        if (!Networks.Contains(wallet.Network))
        {
            throw new InvalidInputException("network", "must be mainnet, testnet or devnet");
        }

        if (string.IsNullOrEmpty(wallet.Address) || wallet.Address[0] != 'r' || wallet.Address.Length is < 25 or > 35)
        {
            throw new InvalidInputException("address", "must be a classic address (r...)");
        }

        if (string.IsNullOrEmpty(wallet.PublicKey) || wallet.PublicKey.Length > 132 || !wallet.PublicKey.All(char.IsAsciiHexDigit))
        {
            throw new InvalidInputException("public_key", "must be hex");
        }
    }

    private static byte[] SerializeInfo(WalletInfo info)
    {
        var json = new JsonObject
        {
            ["name"] = info.Name,
            ["keyType"] = info.KeyType,
            ["network"] = info.Network,
            ["address"] = info.Address,
            ["publicKey"] = info.PublicKey,
            ["created"] = VaultDocument.FormatTime(info.Created),
        };
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    private static WalletInfo ParseInfo(ReadOnlySpan<byte> plaintext, string id)
    {
        try
        {
            var json = JsonNode.Parse(plaintext)!.AsObject();
            return new WalletInfo(
                id,
                json["name"]!.GetValue<string>(),
                json["keyType"]!.GetValue<string>(),
                json["network"]!.GetValue<string>(),
                json["address"]!.GetValue<string>(),
                json["publicKey"]!.GetValue<string>(),
                VaultDocument.ParseTime(json["created"]!.GetValue<string>()));
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or NullReferenceException)
        {
            throw new VaultIntegrityException($"wallet record {id}: malformed", exception);
        }
    }

    /// <summary>
    /// True for text with the shape of a classic address (r and 24 to 34 base58 characters) or an X-address (X or T
    /// and 46), checksum or not: such a name could be read, or typed, as an account.
    /// </summary>
    public static bool LooksLikeAddress(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var base58 = name.Length > 1 && name.AsSpan(1).IndexOfAnyExcept(Base58Characters) < 0;
        return base58 && ((name[0] == 'r' && name.Length is >= 25 and <= 35) || (name[0] is 'X' or 'T' && name.Length == 47));
    }

    /// <summary>Finds a wallet by its name only (case-insensitive), never by address: what the CLI's `--name` means.</summary>
    public WalletInfo FindWalletByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var wallet in LoadWallets())
        {
            if (string.Equals(wallet.Info.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return wallet.Info;
            }
        }

        throw new InvalidInputException("name", "names no wallet in the vault (--name takes a wallet name, never an address)");
    }

    private (WalletInfo Info, RecordEntry Record) Find(string nameOrAddress)
    {
        ArgumentNullException.ThrowIfNull(nameOrAddress);
        var wallets = LoadWallets();

        // An address always means that account, never a wallet someone named after it: addresses first.
        foreach (var wallet in wallets)
        {
            if (string.Equals(wallet.Info.Address, nameOrAddress, StringComparison.Ordinal))
            {
                return wallet;
            }
        }

        foreach (var wallet in wallets)
        {
            if (string.Equals(wallet.Info.Name, nameOrAddress, StringComparison.OrdinalIgnoreCase))
            {
                return wallet;
            }
        }

        throw new InvalidInputException("wallet", "names no wallet in the vault (by name or address)");
    }

    private List<(WalletInfo Info, RecordEntry Record)> LoadWallets()
    {
        var key = Key();
        if (_wallets is not null)
        {
            return _wallets;
        }

        var wallets = new List<(WalletInfo, RecordEntry)>();
        foreach (var record in _document.Records)
        {
            var id = Convert.ToHexStringLower(record.Id);
            using var plaintext = RecordCipher.Open(key, InfoPart, _document.RecordAssociatedData(record.Id, InfoPart), record.Info, $"wallet record {id}");
            wallets.Add((ParseInfo(plaintext.ReadOnlySpan, id), record));
        }

        _wallets = wallets;
        return wallets;
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
