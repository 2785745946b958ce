using System.Security.Cryptography;
using HsmWallet.Core.Xrpl.Addresses;
using NSec.Cryptography;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// A private key that can sign but never be read, in the manner of NSec's Key: the secret lives in a
/// pinned buffer zeroed on Dispose, and nothing public returns it, so code that holds a key cannot
/// leak it by accident. Sign may be called from several threads at once; Dispose must not race it.
/// </summary>
public sealed class XrplSigningKey : IXrplSigner, IDisposable
{
    /// <summary>The field name errors about a raw private key carry.</summary>
    public const string PrivateKeyField = "private_key";

    /// <summary>The field name errors about a key type carry.</summary>
    public const string KeyTypeField = "key_type";

    private const int PrivateKeyLength = 32;
    private const int MaximumDerLength = 72;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;
    private readonly Key? _ed25519Key;
    private bool _disposed;

    private XrplSigningKey(ReadOnlySpan<byte> privateKey, KeyType keyType)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new InvalidInputException(PrivateKeyField, "must be 32 bytes");
        }

        // Pinned: the garbage collector never copies it, so zeroing it erases the only copy.
        _privateKey = GC.AllocateArray<byte>(PrivateKeyLength, pinned: true);
        privateKey.CopyTo(_privateKey);
        _publicKey = new byte[PublicKeys.Length];
        KeyType = keyType;
        try
        {
            switch (keyType)
            {
                case KeyType.Secp256k1:
                    if (!Secp256k1Engines.Current.TryCreatePublicKey(_privateKey, _publicKey))
                    {
                        throw new InvalidInputException(PrivateKeyField, "is not a valid secp256k1 private key (zero or not below the curve order)");
                    }

                    break;
                case KeyType.Ed25519:
                    // libsodium keeps its copy in guarded memory that it wipes when the Key is disposed.
                    _ed25519Key = Key.Import(SignatureAlgorithm.Ed25519, _privateKey, KeyBlobFormat.RawPrivateKey);
                    _publicKey[0] = PublicKeys.Ed25519Prefix;
                    _ed25519Key.PublicKey.Export(KeyBlobFormat.RawPublicKey).CopyTo(_publicKey, 1);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(keyType), keyType, "Unknown key type.");
            }

            AccountId = KeyHashing.AccountIdOf(_publicKey);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Zeroes the key even when a caller forgot to dispose it.</summary>
    ~XrplSigningKey() => CryptographicOperations.ZeroMemory(_privateKey);

    /// <summary>The scheme this key signs with.</summary>
    public KeyType KeyType { get; }

    /// <summary>The 33-byte public key as the ledger shows it (compressed secp256k1, or 0xED and the Ed25519 key).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The account this key controls by default: RIPEMD-160(SHA-256(public key)).</summary>
    public AccountId AccountId { get; }

    /// <summary>
    /// The account key of a family seed, the key wallets sign with, for the seed's own key type.
    /// </summary>
    public static XrplSigningKey FromSeed(DecodedSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return FromSeed(seed, seed.KeyType);
    }

    /// <summary>
    /// The account key of a family seed for a chosen key type (xrpl.js's algorithm option), for a
    /// seed whose prefix does not name the scheme its wallet actually uses.
    /// </summary>
    public static XrplSigningKey FromSeed(DecodedSeed seed, KeyType keyType)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Span<byte> privateKey = stackalloc byte[PrivateKeyLength];
        try
        {
            if (keyType == KeyType.Secp256k1)
            {
                Secp256k1FamilyDerivation.DeriveAccountPrivateKey(seed.Entropy, privateKey);
            }
            else
            {
                KeyHashing.Sha512Half(seed.Entropy, privateKey);
            }

            return new XrplSigningKey(privateKey, keyType);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>
    /// The root key of a family seed (what rippled calls the validator key pair); for Ed25519 it is
    /// the same as the account key.
    /// </summary>
    public static XrplSigningKey FromSeedAsValidator(DecodedSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.KeyType == KeyType.Ed25519)
        {
            return FromSeed(seed, KeyType.Ed25519);
        }

        Span<byte> privateKey = stackalloc byte[PrivateKeyLength];
        try
        {
            Secp256k1FamilyDerivation.DeriveRootPrivateKey(seed.Entropy, privateKey);
            return new XrplSigningKey(privateKey, KeyType.Secp256k1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>
    /// The secp256k1 key at a BIP-44 path of a BIP-39 English mnemonic (checksum checked) with an
    /// optional ASCII passphrase (empty for none), as xrpl.js's Wallet.fromMnemonic derives it.
    /// </summary>
    public static XrplSigningKey FromMnemonic(ReadOnlySpan<char> words, ReadOnlySpan<char> passphrase, Bip44Path path)
    {
        Span<byte> seed = stackalloc byte[Bip39Mnemonic.SeedLength];
        Span<byte> privateKey = stackalloc byte[PrivateKeyLength];
        try
        {
            Bip39Mnemonic.DeriveSeed(words, passphrase, seed);
            Bip32Derivation.DerivePrivateKey(seed, path.ChildNumbers(), privateKey);
            return new XrplSigningKey(privateKey, KeyType.Secp256k1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>
    /// As <see cref="FromMnemonic(ReadOnlySpan{char}, ReadOnlySpan{char}, Bip44Path)"/>, for callers
    /// that let the user pick a key type: anything but secp256k1 is refused, since BIP-32 is secp256k1-only.
    /// </summary>
    public static XrplSigningKey FromMnemonic(ReadOnlySpan<char> words, ReadOnlySpan<char> passphrase, Bip44Path path, KeyType keyType)
    {
        if (keyType != KeyType.Secp256k1)
        {
            throw new InvalidInputException(KeyTypeField, "must be secp256k1 for a BIP-39 mnemonic: BIP-32 derivation is defined only for secp256k1 keys");
        }

        return FromMnemonic(words, passphrase, path);
    }

    /// <summary>
    /// Wraps 32 raw private key bytes (for instance from a decrypted vault record); the caller still
    /// owns and must zero its own copy.
    /// </summary>
    public static XrplSigningKey FromPrivateKey(ReadOnlySpan<byte> privateKey, KeyType keyType) => new(privateKey, keyType);

    /// <summary>
    /// Signs a message the XRPL way: secp256k1 signs SHA-512Half(message) with an RFC 6979 nonce and
    /// returns canonical low-S DER; Ed25519 signs the message itself and returns 64 bytes.
    /// </summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return KeyType == KeyType.Ed25519
            ? SignatureAlgorithm.Ed25519.Sign(_ed25519Key!, message)
            : SignSecp256k1(message);
    }

    /// <summary>Zeroes the private key; every later Sign throws ObjectDisposedException.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_privateKey);
        _ed25519Key?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The private key bytes, for tests and for the vault inside Core; never public.</summary>
    internal ReadOnlySpan<byte> PrivateKeyBytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _privateKey;
        }
    }

    /// <summary>The buffer itself, so tests can prove it is zero after Dispose.</summary>
    internal ReadOnlySpan<byte> RawBufferForTests => _privateKey;

    private byte[] SignSecp256k1(ReadOnlySpan<byte> message)
    {
        Span<byte> digest = stackalloc byte[KeyHashing.Sha512HalfLength];
        Span<byte> der = stackalloc byte[MaximumDerLength];
        KeyHashing.Sha512Half(message, digest);
        // RFC 6979 and low S, by the engine in use (Secp256k1Engines checked it against the managed one).
        var length = Secp256k1Engines.Current.SignRfc6979LowS(_privateKey, digest, der);
        return der[..length].ToArray();
    }
}
