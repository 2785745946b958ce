using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.KeyProviders.Tests.EndToEnd;

/// <summary>A wallet from the reference implementation's keypairs-api.json: its entropy, key type and address.</summary>
public sealed record FixtureWallet(string KeyType, byte[] Entropy, string Address, string PublicKey)
{
    /// <summary>The secp256k1 and ed25519 seeds of keypairs-api.json.</summary>
    public static FixtureWallet Load(string keyType)
    {
        var fixtures = XrplFixtures.Load("keypairs-api.json");
        var entry = fixtures[keyType]!;
        using var seed = FamilySeed.Decode(entry["seed"]!.GetValue<string>().AsSpan());
        return new FixtureWallet(keyType, seed.Entropy.ToArray(), entry["address"]!.GetValue<string>(), entry["keypair"]!["publicKey"]!.GetValue<string>());
    }

    public WalletDescription Description(string name) => new(name, KeyType, "testnet", Address, PublicKey);
}

/// <summary>Signs a Payment with a wallet's secret straight out of the vault and checks the signature as a validator would.</summary>
public static class VaultSigning
{
    public static SignedTransaction SignPayment(WalletVault vault, UnlockOptions unlock, string wallet, uint sequence = 1) =>
        vault.WithWalletSecret(unlock, wallet, (secret, info) =>
        {
            var keyType = info.KeyType == "ed25519" ? KeyType.Ed25519 : KeyType.Secp256k1;
            using var seed = DecodedSeed.FromEntropy(secret, keyType);
            using var key = XrplSigningKey.FromSeed(seed);
            var payment = new JsonObject
            {
                ["TransactionType"] = "Payment",
                ["Account"] = key.AccountId.ToClassicAddress(),
                ["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
                ["Amount"] = "1000",
                ["Fee"] = "12",
                ["Sequence"] = sequence,
            };
            return TransactionSigner.Sign(payment, key);
        });

    /// <summary>Asserts the signed transaction is from <paramref name="wallet"/> and its signature verifies over the signing encoding.</summary>
    public static void AssertSignedBy(FixtureWallet wallet, SignedTransaction transaction)
    {
        var tx = transaction.TxJson;
        Assert.Equal(wallet.Address, tx["Account"]!.GetValue<string>());
        Assert.Equal(wallet.PublicKey, tx["SigningPubKey"]!.GetValue<string>(), ignoreCase: true);
        var signature = Convert.FromHexString(tx["TxnSignature"]!.GetValue<string>());
        var publicKey = Convert.FromHexString(wallet.PublicKey);
        Assert.True(XrplSignature.Verify(XrplBinaryCodec.EncodeForSigning(tx), signature, publicKey));
        signature[^1] ^= 1;
        Assert.False(XrplSignature.Verify(XrplBinaryCodec.EncodeForSigning(tx), signature, publicKey));
    }
}

/// <summary>Answers PIN requests with fixed bytes and counts how often it was asked: a locked-out vault never asks.</summary>
public sealed class CountingPinSource(byte[] pin) : ISecretSource
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public bool IsInteractive => false;

    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != SecretKind.Pin)
        {
            return null;
        }

        Interlocked.Increment(ref _requests);
        return SecureBuffer.CopyOf(pin);
    }
}
