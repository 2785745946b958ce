using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The vault's wallet records: each one an encrypted public part (name, key type, network, address) and an
/// encrypted secret part, bound to the vault and the record id. This class decrypts the public parts once per
/// operation, finds, adds (within the record rules and the limit), deletes and exports records, and opens one
/// secret at a time; the vault key is passed in by <see cref="UnlockedVault"/>, which owns its lifetime.
/// </summary>
internal sealed class WalletRecords
{
    private const string InfoPart = "wallet-info";
    private const string SecretPart = "wallet-secret";
    private const int MaximumSecretLength = 128;

    /// <summary>
    /// What an on-token wallet's secret part holds: no key, only this marker, so every record keeps one shape and a
    /// swapped info part cannot turn a vault-held key into a token reference unnoticed (the parts are bound by id).
    /// </summary>
    private static readonly byte[] OnTokenMarker = "on-token"u8.ToArray();

    private static readonly HashSet<string> Networks = new(StringComparer.Ordinal) { "mainnet", "testnet", "devnet" };
    private static readonly System.Buffers.SearchValues<char> Base58Characters =
        System.Buffers.SearchValues.Create("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

    private readonly VaultDocument _document;
    private readonly TimeProvider _time;
    private List<(WalletInfo Info, RecordEntry Record)>? _wallets;

    /// <summary>Reads and edits the records of <paramref name="document"/>.</summary>
    public WalletRecords(VaultDocument document, TimeProvider time)
    {
        _document = document;
        _time = time;
    }

    /// <summary>Every wallet's public part, decrypted on first use.</summary>
    public IReadOnlyList<WalletInfo> List(ReadOnlySpan<byte> vaultKey) => [.. Load(vaultKey).Select(wallet => wallet.Info)];

    /// <summary>True when any wallet is for mainnet.</summary>
    public bool HoldsMainnet(ReadOnlySpan<byte> vaultKey) => Load(vaultKey).Any(wallet => wallet.Info.Network == "mainnet");

    /// <summary>Finds a wallet by classic address, else by name (case-insensitive); an unknown one is invalid input.</summary>
    public (WalletInfo Info, RecordEntry Record) Find(ReadOnlySpan<byte> vaultKey, string nameOrAddress)
    {
        ArgumentNullException.ThrowIfNull(nameOrAddress);
        var wallets = Load(vaultKey);

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

    /// <summary>Finds a wallet by its name only (case-insensitive), never by address.</summary>
    public WalletInfo FindByName(ReadOnlySpan<byte> vaultKey, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var wallet in Load(vaultKey))
        {
            if (string.Equals(wallet.Info.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return wallet.Info;
            }
        }

        throw new InvalidInputException("name", "names no wallet in the vault (a wallet name, never an address)");
    }

    /// <summary>Decrypts one wallet's secret into a zeroing buffer for the length of <paramref name="use"/>.</summary>
    public T WithSecret<T>(ReadOnlySpan<byte> vaultKey, string nameOrAddress, WalletSecretHandler<T> use)
    {
        var (info, record) = Find(vaultKey, nameOrAddress);
        if (info.IsOnToken)
        {
            throw new InvalidInputException("wallet", $"its key lives on the {info.Token!.TokenDescription} and never leaves it: it is signed with there, and cannot be read, exported or copied");
        }

        using var secret = RecordCipher.Open(
            vaultKey, SecretPart, _document.RecordAssociatedData(record.Id, SecretPart), record.Secret, $"wallet record {info.Id}");
        return use(secret.ReadOnlySpan, info);
    }

    /// <summary>
    /// Adds a record after the description's rules, the secret's length, the mainnet rule
    /// (<paramref name="hasStrongSlot"/>), the wallet limit and uniqueness of name and address, in that order.
    /// </summary>
    public WalletInfo Add(ReadOnlySpan<byte> vaultKey, WalletDescription wallet, ReadOnlySpan<byte> secret, bool hasStrongSlot, Func<int> limit)
    {
        Validate(wallet);
        if (wallet.Token is not null)
        {
            if (!secret.IsEmpty)
            {
                throw new InvalidInputException("secret", "an on-token wallet stores no secret: its key never leaves the token");
            }

            secret = OnTokenMarker;
        }
        else if (secret.IsEmpty || secret.Length > MaximumSecretLength)
        {
            throw new InvalidInputException("secret", $"must be 1 to {MaximumSecretLength} bytes");
        }

        if (wallet.Network == "mainnet" && !hasStrongSlot)
        {
            throw new InvalidInputException(
                "network",
                "mainnet wallets need a password, PKCS#11 or TPM slot; a vault opened only by key files or recovery keys holds testnet and devnet wallets");
        }

        var wallets = Load(vaultKey);
        var most = limit();
        if (wallets.Count >= most)
        {
            throw new InvalidInputException(
                "wallets",
                string.Create(CultureInfo.InvariantCulture, $"the vault holds {wallets.Count} wallets and its limit is {most}; the operator deletes one (`hsmwallet wallet delete`) or raises the limit (`hsmwallet wallet limit --set N`, at most {UnlockedVault.MaximumWalletLimit})"));
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
        var info = new WalletInfo(Convert.ToHexStringLower(id), wallet.Name, wallet.KeyType, wallet.Network, wallet.Address, wallet.PublicKey, _time.GetUtcNow())
        {
            Token = wallet.Token,
        };
        var infoBytes = SerializeInfo(info);
        try
        {
            var record = new RecordEntry(
                id,
                RecordCipher.Seal(vaultKey, InfoPart, _document.RecordAssociatedData(id, InfoPart), infoBytes),
                RecordCipher.Seal(vaultKey, SecretPart, _document.RecordAssociatedData(id, SecretPart), secret));
            _document.Records.Add(record);
            wallets.Add((info, record));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(infoBytes);
        }

        return info;
    }

    /// <summary>Removes a record (its ciphertext disappears from the next file written).</summary>
    public WalletInfo Delete(ReadOnlySpan<byte> vaultKey, string nameOrAddress)
    {
        var wallet = Find(vaultKey, nameOrAddress);
        _document.Records.Remove(wallet.Record);
        Load(vaultKey).Remove(wallet);
        return wallet.Info;
    }

    /// <summary>
    /// A vault file with this vault's header and slots and one wallet's record, still encrypted as it is, and no
    /// settings: whatever opens this vault opens it, and no other wallet, audit key or policy hash leaves with it.
    /// </summary>
    public byte[] Export(ReadOnlySpan<byte> vaultKey, string nameOrAddress)
    {
        var wallet = Find(vaultKey, nameOrAddress);
        if (wallet.Info.IsOnToken)
        {
            throw new InvalidInputException(
                "wallet",
                $"its key lives on the {wallet.Info.Token!.TokenDescription} and cannot be exported: back it up at the token level (the device's own backup) or sign through a multisign setup with a second token (docs/on-token-keys.md)");
        }

        var copy = VaultDocument.Parse(_document.Serialize());
        copy.Records.RemoveAll(record => !record.Id.AsSpan().SequenceEqual(wallet.Record.Id));
        copy.Generation = 1;
        copy.Modified = _time.GetUtcNow();
        VaultSettings.SealEmpty(copy, vaultKey);
        return copy.Serialize();
    }

    /// <summary>Drops the decrypted public parts (the vault is closing).</summary>
    public void Forget() => _wallets = null;

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

    private static void Validate(WalletDescription wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
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

        if (wallet.Token is { } token)
        {
            // Bounded so an on-token record stays within the per-wallet size the wallet limit's arithmetic assumes.
            if (token.Module.Length > 256 || token.KeyLabel.Length is 0 or > 128 || token.TokenLabel?.Length > 32 || token.TokenSerial?.Length > 16
                || token.KeyId is { Length: > 64 } || token.Kind.Length > 16)
            {
                throw new InvalidInputException("token", "module path at most 256 characters, key label 1 to 128, token label at most 32, token serial at most 16, key id at most 32 bytes");
            }
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
        if (info.Token is not null)
        {
            json["token"] = info.Token.ToJson();
        }

        // Written by the node itself, not the reflection-based serializer: the same bytes, and native AOT safe.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            json.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
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
                VaultDocument.ParseTime(json["created"]!.GetValue<string>()))
            {
                Token = json["token"] is JsonObject token ? TokenKeyReference.FromJson(token) : null,
            };
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or NullReferenceException)
        {
            throw new VaultIntegrityException($"wallet record {id}: malformed", exception);
        }
    }

    private List<(WalletInfo Info, RecordEntry Record)> Load(ReadOnlySpan<byte> vaultKey)
    {
        if (_wallets is not null)
        {
            return _wallets;
        }

        var wallets = new List<(WalletInfo, RecordEntry)>();
        foreach (var record in _document.Records)
        {
            var id = Convert.ToHexStringLower(record.Id);
            using var plaintext = RecordCipher.Open(vaultKey, InfoPart, _document.RecordAssociatedData(record.Id, InfoPart), record.Info, $"wallet record {id}");
            wallets.Add((ParseInfo(plaintext.ReadOnlySpan, id), record));
        }

        _wallets = wallets;
        return wallets;
    }
}
