using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;
using HsmWallet.KeyProviders.Pkcs11.OnToken;
using HsmWallet.KeyProviders.Tests.EndToEnd;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

/// <summary>
/// Wallet keys generated on SoftHSM2 and used there: the key objects refuse to be read, signatures come back in the
/// ledger's form and verify with Core's verifier, the PIN goes through the home's lockout, and a token that goes
/// away fails closed.
/// </summary>
[Collection(SoftHsmTests.Name)]
public sealed class OnTokenKeyTests(SoftHsmFixture softHsm) : IDisposable
{
    private static readonly byte[] WrongPin = Encoding.ASCII.GetBytes("000000");
    private static readonly Pkcs11TokenKeys Tokens = new();

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> KeyTypeNames => new() { "secp256k1", "ed25519" };

    [Theory]
    [MemberData(nameof(KeyTypeNames))]
    public void A_generated_key_is_a_sensitive_unextractable_private_token_object_whose_value_cannot_be_read(string keyTypeName)
    {
        var keyType = KeyTypes.Parse(keyTypeName, "key_type");
        var generated = Tokens.Generate(Token("attributes-" + keyTypeName), keyType, SoftHsmFixture.UserPin);

        Assert.Equal(33, generated.PublicKey.Length);
        Assert.Equal(32, generated.Key.KeyId!.Length);
        WithLogin(session =>
        {
            var attributes = session.Factories.ObjectAttributeFactory;
            var found = session.FindAllObjects(
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                attributes.Create(CKA.CKA_ID, Convert.FromHexString(generated.Key.KeyId)),
            ]);
            var handle = Assert.Single(found);
            var values = session.GetAttributeValue(handle, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_PRIVATE, CKA.CKA_TOKEN, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_LABEL]);
            Assert.True(values[0].GetValueAsBool());
            Assert.False(values[1].GetValueAsBool());
            Assert.True(values[2].GetValueAsBool());
            Assert.True(values[3].GetValueAsBool());
            Assert.True(values[4].GetValueAsBool());
            Assert.True(values[5].GetValueAsBool());
            Assert.Equal("attributes-" + keyTypeName, values[6].GetValueAsString());
            AssertValueUnreadable(session, handle);
            return true;
        });
    }

    [Theory]
    [MemberData(nameof(KeyTypeNames))]
    public void A_payment_signed_on_the_token_verifies_against_the_recorded_public_key_and_its_blob_decodes(string keyTypeName)
    {
        var (wallet, signer) = NewWallet(keyTypeName, "payment-" + keyTypeName);
        var payment = Payment(wallet.Address);

        var signed = signer.WithSigner(wallet, null!, Unlock(SoftHsmFixture.UserPin), key => TransactionSigner.Sign(payment, key));

        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString(signed.TxBlob));
        Assert.Equal(wallet.Address, decoded["Account"]!.GetValue<string>());
        Assert.Equal(wallet.PublicKey, decoded["SigningPubKey"]!.GetValue<string>(), ignoreCase: true);
        var signature = Convert.FromHexString(decoded["TxnSignature"]!.GetValue<string>());
        Assert.True(XrplSignature.Verify(XrplBinaryCodec.EncodeForSigning(decoded), signature, Convert.FromHexString(wallet.PublicKey)));
        Assert.Equal(keyTypeName == "ed25519" ? 64 : signature.Length, signature.Length);
    }

    [Theory]
    [MemberData(nameof(KeyTypeNames))]
    public void A_multisignature_share_made_on_the_token_combines_into_a_transaction_that_verifies(string keyTypeName)
    {
        var (wallet, signer) = NewWallet(keyTypeName, "multisign-" + keyTypeName);
        var payment = Payment("rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe");
        payment["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh";

        var share = signer.WithSigner(wallet, null!, Unlock(SoftHsmFixture.UserPin), key => TransactionSigner.SignAsMultisigner(payment, key));
        var combined = TransactionSigner.Combine([share.TxBlob]);

        Assert.Equal(wallet.Address, share.Signer["Account"]!.GetValue<string>());
        var signers = Assert.IsType<JsonArray>(combined.TxJson["Signers"]);
        Assert.Equal(wallet.PublicKey, Assert.Single(signers)!["Signer"]!["SigningPubKey"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void No_secp256k1_signature_leaves_with_a_high_S_over_two_thousand_signatures_although_the_token_makes_them()
    {
        var generated = Tokens.Generate(Token("low-s"), KeyType.Secp256k1, SoftHsmFixture.UserPin);
        var highFromToken = 0;
        for (var i = 0; i < 2000; i++)
        {
            var message = BitConverter.GetBytes(i);
            var raw = Tokens.Sign(generated.Key, KeyType.Secp256k1, message, SoftHsmFixture.UserPin);
            if (IsHighS(raw.AsSpan(32)))
            {
                highFromToken++;
            }

            var der = XrplSignature.EncodeSecp256k1(raw);
            Assert.True(XrplSignature.Verify(message, der, generated.PublicKey), $"signature {i} is not canonical low-S DER");
        }

        // The token's own S is high about half the time: the normalization, not luck, keeps them out.
        Assert.InRange(highFromToken, 1, 1999);
    }

    [Fact]
    public void A_wrong_PIN_is_refused_counts_toward_the_lockout_and_signs_nothing()
    {
        var (wallet, signer) = NewWallet("secp256k1", "wrong-pin");
        var before = signer.WithSigner(wallet, null!, Unlock(SoftHsmFixture.UserPin), key => key.Sign([1, 2, 3]));
        Assert.NotEmpty(before);
        var lockout = Lockout();
        var tokenSigner = new TokenWalletSigner(Tokens, lockout);
        var triesBefore = lockout.TriesLeft();

        var error = Assert.Throws<UnlockFailedException>(() => tokenSigner.WithSigner(wallet, null!, Unlock(WrongPin), key => key.Sign([1, 2, 3])));

        Assert.Equal(UnlockFailureReason.WrongSecret, error.Reason);
        Assert.Equal(triesBefore - 1, lockout.TriesLeft());
        Assert.Contains("left before", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_wrong_PINs_the_lockout_allows_the_token_is_not_asked_again_even_with_the_right_PIN()
    {
        var (wallet, _) = NewWallet("ed25519", "lockout");
        var lockout = Lockout();
        var tokenSigner = new TokenWalletSigner(Tokens, lockout);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Throws<UnlockFailedException>(() => tokenSigner.WithSigner(wallet, null!, Unlock(WrongPin), key => key.Sign([1])));
        }

        var right = new CountingPinSource(SoftHsmFixture.UserPin);
        var locked = Assert.Throws<LockedOutException>(() => tokenSigner.WithSigner(wallet, null!, new UnlockOptions(right), key => key.Sign([1])));

        Assert.NotNull(locked.LockedUntil);
        Assert.Equal(0, right.Requests);
    }

    [Fact]
    public void A_token_removed_between_operations_fails_closed_signs_nothing_and_signs_again_when_it_returns()
    {
        var removable = new TokenKeyReference(Pkcs11TokenKeys.KindName, SoftHsmFixture.ModulePath, SoftHsmFixture.RemovableTokenLabel, null, "removable-wallet", null);
        var generated = Tokens.Generate(removable, KeyType.Secp256k1, SoftHsmFixture.UserPin);
        var wallet = WalletFor(generated, "secp256k1");
        var lockout = Lockout();
        var signer = new TokenWalletSigner(Tokens, lockout);
        var triesBefore = lockout.TriesLeft();
        var aside = Path.Combine(softHsm.Root, "removed-on-token");
        byte[]? signature = null;

        Directory.Move(softHsm.RemovableTokenDirectory, aside);
        try
        {
            var error = Assert.ThrowsAny<Exception>(() => signature = signer.WithSigner(wallet, null!, Unlock(SoftHsmFixture.UserPin), key => key.Sign([9, 9, 9])));
            Assert.IsType<KeyProviderUnavailableException>(error);
            Assert.Contains(SoftHsmFixture.RemovableTokenLabel, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Move(aside, softHsm.RemovableTokenDirectory);
        }

        Assert.Null(signature);
        // Nothing tested the PIN: the attempt was taken back.
        Assert.Equal(triesBefore, lockout.TriesLeft());
        var after = signer.WithSigner(wallet, null!, Unlock(SoftHsmFixture.UserPin), key => key.Sign([9, 9, 9]));
        Assert.True(XrplSignature.Verify([9, 9, 9], after, generated.PublicKey));
    }

    [Fact]
    public void Eight_threads_signing_at_once_each_get_signatures_that_verify()
    {
        var (wallet, signer) = NewWallet("secp256k1", "threads");
        var (edWallet, _) = NewWallet("ed25519", "threads-ed");
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        var threads = Enumerable.Range(0, 8).Select(index => new Thread(() =>
        {
            var target = index % 2 == 0 ? wallet : edWallet;
            for (var i = 0; i < 25; i++)
            {
                var message = Encoding.ASCII.GetBytes($"thread {index} message {i}");
                try
                {
                    var signature = signer.WithSigner(target, null!, Unlock(SoftHsmFixture.UserPin), key => key.Sign(message));
                    if (!XrplSignature.Verify(message, signature, Convert.FromHexString(target.PublicKey)))
                    {
                        failures.Add($"thread {index}: signature {i} does not verify");
                    }
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    failures.Add($"thread {index}: {error.GetType().Name}: {error.Message}");
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Empty(failures);
    }

    [Fact]
    public void The_probe_reports_that_SoftHSM2_offers_both_curves_on_the_device()
    {
        var capabilities = Tokens.Probe(Token("probe"));

        Assert.Equal(["secp256k1", "ed25519"], capabilities.Offered);
        Assert.Empty(capabilities.Missing);
    }

    [Fact]
    public void A_token_that_lacks_a_curve_is_refused_with_an_error_naming_the_key_type_and_what_is_missing()
    {
        var capabilities = new TokenCapabilities(["secp256k1"], new Dictionary<string, string> { ["ed25519"] = "CKM_EC_EDWARDS_KEY_PAIR_GEN and CKM_EDDSA" });

        var error = Assert.Throws<Core.InvalidInputException>(() => capabilities.Require(KeyType.Ed25519, "token labelled 'piv'"));

        Assert.Equal("key_type", error.Field);
        Assert.Contains("CKM_EDDSA", error.Message, StringComparison.Ordinal);
        Assert.Contains("token labelled 'piv'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_key_under_a_label_in_use_is_refused_before_anything_is_generated()
    {
        Tokens.Generate(Token("taken-label"), KeyType.Ed25519, SoftHsmFixture.UserPin);

        var error = Assert.Throws<Core.InvalidInputException>(() => Tokens.Generate(Token("taken-label"), KeyType.Ed25519, SoftHsmFixture.UserPin));

        Assert.Equal("key-label", error.Field);
    }

    private static TokenKeyReference Token(string keyLabel) =>
        new(Pkcs11TokenKeys.KindName, SoftHsmFixture.ModulePath, SoftHsmFixture.TokenLabel, null, keyLabel, null);

    private static UnlockOptions Unlock(byte[] pin) => new(new CountingPinSource(pin));

    private static JsonObject Payment(string account) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = account,
        ["Destination"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        ["Amount"] = "1000",
        ["Fee"] = "12",
        ["Sequence"] = 1,
    };

    private static WalletInfo WalletFor(GeneratedTokenKey generated, string keyType) =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), generated.Key.KeyLabel, keyType, "testnet",
            PublicKeys.ToAccountId(generated.PublicKey).ToClassicAddress(), Convert.ToHexString(generated.PublicKey), DateTimeOffset.UnixEpoch)
        {
            Token = generated.Key,
        };

    private static bool IsHighS(ReadOnlySpan<byte> s)
    {
        ReadOnlySpan<byte> halfOrder =
        [
            0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
        ];
        return s.SequenceCompareTo(halfOrder) > 0;
    }

    private static void AssertValueUnreadable(ISession session, IObjectHandle handle)
    {
        try
        {
            var value = session.GetAttributeValue(handle, [CKA.CKA_VALUE]);
            Assert.True(value[0].CannotBeRead, "CKA_VALUE of the private key was readable");
        }
        catch (Pkcs11Exception error)
        {
            Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, error.RV);
        }
    }

    private static T WithLogin<T>(Func<ISession, T> use)
    {
        var factories = new Pkcs11InteropFactories();
        using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, SoftHsmFixture.ModulePath, AppType.MultiThreaded);
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(candidate => candidate.GetTokenInfo().Label.Trim() == SoftHsmFixture.TokenLabel);
        using var session = slot.OpenSession(SessionType.ReadOnly);
        session.Login(CKU.CKU_USER, SoftHsmFixture.UserPin);
        try
        {
            return use(session);
        }
        finally
        {
            session.Logout();
        }
    }

    private LockoutGuard Lockout()
    {
        var folder = _directory.Combine("state-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var guard = new LockoutGuard(folder);
        guard.Initialize();
        return guard;
    }

    private (WalletInfo Wallet, TokenWalletSigner Signer) NewWallet(string keyTypeName, string label)
    {
        var generated = Tokens.Generate(Token(label), KeyTypes.Parse(keyTypeName, "key_type"), SoftHsmFixture.UserPin);
        return (WalletFor(generated, keyTypeName), new TokenWalletSigner(Tokens, Lockout()));
    }
}
