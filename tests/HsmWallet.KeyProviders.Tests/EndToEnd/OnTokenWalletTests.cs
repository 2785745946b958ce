using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Pkcs11.OnToken;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.EndToEnd;

/// <summary>
/// On-token wallets through the use cases and the one signing path, as the CLI and the MCP server compose them: a
/// vault opened by a SoftHSM2 slot, wallets whose keys are generated on the token, signatures made there, submitted to
/// the loopback rippled stand-in, and a token that disappears between preparing and signing.
/// </summary>
[Collection(SoftHsmTests.Name)]
public sealed class OnTokenWalletTests : IAsyncDisposable
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private static readonly OperationContext Context = new("corr-on-token", new AuditActor(AuditActorType.User, "test"), "tx_sign");

    private readonly SoftHsmFixture _softHsm;
    private readonly TemporaryDirectory _directory = new();
    private readonly RippledStandIn _ledger = RippledStandIn.Start(TimeSpan.FromMilliseconds(50));
    private readonly LedgerClient _client;
    private readonly WalletVault _vault;
    private readonly AuditWriter _audit;
    private readonly WalletUseCases _wallets;
    private readonly TransactionSigningService _signing;

    public OnTokenWalletTests(SoftHsmFixture softHsm)
    {
        _softHsm = softHsm;
        _client = new LedgerClient(_ledger.Network(), new LedgerClientOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(5),
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            PollInterval = TimeSpan.FromMilliseconds(20),
            MaxWait = TimeSpan.FromSeconds(30),
            // Ledgers close every 50 ms here: 400 of them (20 s) between autofill and submit, so a busy machine does not
            // see the transaction expire (tefMAX_LEDGER) before it is sent.
            LastLedgerOffset = 400,
        });
        _vault = new WalletVault(WalletHome.At(_directory.Combine("home")), StandardKeyProviders.CreateRegistry());
        _vault.Create(new CountingPinSource(SoftHsmFixture.UserPin), new Pkcs11KeyProvider(softHsm.AesGcm));
        var auditKey = new byte[32];
        auditKey[0] = 42;
        _audit = new AuditWriter(_vault.Home.AuditDirectory, auditKey);
        var directory = new WalletDirectory(_vault);
        var tokens = new TokenWalletSigner(new Pkcs11TokenKeys(), _vault.Lockout);
        _wallets = new WalletUseCases(_vault, directory, _audit, new ApprovalStore(_vault.Home), Unlock, tokens: tokens);
        _signing = new TransactionSigningService(_vault, directory, _ledger.Network(), _audit, _client, signers: [tokens, new VaultKeySigner()]);
    }

    public static TheoryData<string> KeyTypeNames => new() { "secp256k1", "ed25519" };

    public async ValueTask DisposeAsync()
    {
        _audit.Dispose();
        _client.Dispose();
        await _ledger.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [MemberData(nameof(KeyTypeNames))]
    public async Task An_on_token_wallet_signs_through_the_one_signing_path_and_its_payment_validates_on_the_ledger(string keyType)
    {
        var wallet = _wallets.CreateOnToken("tok-" + keyType, keyType, "testnet", Token("e2e-" + keyType), Context);
        _ledger.Fund(AccountId.ParseClassic(wallet.Address, "wallet"), 50_000_000);

        var prepared = await _signing.PrepareAsync(new SigningRequest(wallet.Name, Payment(wallet.Address), Autofill: true), Unlock(), CancellationToken.None);
        var signed = _signing.Sign(prepared, Unlock(), null, Context);
        var result = await new TransactionSubmitter(_client).SubmitAsync(signed.TxBlob, wait: true, CancellationToken.None);

        Assert.True(result.Succeeded, result.EngineResult);
        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString(signed.TxBlob));
        Assert.Equal(wallet.PublicKey, decoded["SigningPubKey"]!.GetValue<string>(), ignoreCase: true);
        Assert.True(XrplSignature.Verify(XrplBinaryCodec.EncodeForSigning(decoded), Convert.FromHexString(decoded["TxnSignature"]!.GetValue<string>()), Convert.FromHexString(wallet.PublicKey)));
        Assert.Single(AuditLines(), IsSuccessfulSignature);
    }

    [Fact]
    public void The_vault_record_holds_the_token_reference_and_public_key_and_the_key_can_be_neither_read_nor_exported()
    {
        var created = _wallets.CreateOnToken("record", "secp256k1", "testnet", Token("record"), Context);

        var listed = Assert.Single(_wallets.List());
        Assert.True(listed.IsOnToken);
        Assert.Equal(SoftHsmFixture.TokenLabel, listed.Token!.TokenLabel);
        Assert.StartsWith("record-", listed.Token.KeyLabel, StringComparison.Ordinal);
        Assert.Equal(32, listed.Token.KeyId!.Length);
        Assert.Equal(created.PublicKey, listed.PublicKey);
        var read = Assert.Throws<InvalidInputException>(() => _vault.WithWalletSecret(Unlock(), "record", (_, _) => true));
        Assert.Equal("wallet", read.Field);
        var export = Assert.Throws<InvalidInputException>(() => _vault.Read(Unlock(), vault => vault.ExportWallet("record")));
        Assert.Contains("multisign", export.Message, StringComparison.Ordinal);
        var vaultFile = File.ReadAllText(_vault.Home.VaultPath);
        Assert.DoesNotContain(listed.Token.KeyLabel, vaultFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multisignature_share_from_an_on_token_key_combines_and_verifies()
    {
        var wallet = _wallets.CreateOnToken("signer-one", "ed25519", "testnet", Token("multi"), Context);
        var payment = Payment("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh");
        payment["Fee"] = "36";
        payment["Sequence"] = 7;

        var prepared = await _signing.PrepareAsync(new SigningRequest(wallet.Name, payment, Autofill: false, Multisign: true), Unlock(), CancellationToken.None);
        var share = _signing.Sign(prepared, Unlock(), null, Context);
        var combined = Core.Xrpl.Transactions.TransactionSigner.Combine([share.TxBlob]);

        Assert.Equal(wallet.Address, share.Signer!["Account"]!.GetValue<string>());
        Assert.Single(combined.TxJson["Signers"]!.AsArray());
    }

    [Fact]
    public async Task A_token_taken_away_between_preparing_and_signing_fails_closed_with_nothing_signed_or_audited_as_signed()
    {
        var removable = new TokenKeyReference(Pkcs11TokenKeys.KindName, SoftHsmFixture.ModulePath, SoftHsmFixture.RemovableTokenLabel, null, "mid-operation", null);
        var wallet = _wallets.CreateOnToken("leaving", "secp256k1", "testnet", removable, Context);
        var payment = Payment(wallet.Address);
        payment["Fee"] = "12";
        payment["Sequence"] = 1;
        var prepared = await _signing.PrepareAsync(new SigningRequest(wallet.Name, payment, Autofill: false), Unlock(), CancellationToken.None);
        var aside = Path.Combine(_softHsm.Root, "removed-mid-operation");
        SigningResult? signed = null;

        Directory.Move(_softHsm.RemovableTokenDirectory, aside);
        try
        {
            var error = Assert.Throws<KeyProviderUnavailableException>(() => signed = _signing.Sign(prepared, Unlock(), null, Context));
            Assert.Contains(SoftHsmFixture.RemovableTokenLabel, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Move(aside, _softHsm.RemovableTokenDirectory);
        }

        Assert.Null(signed);
        Assert.DoesNotContain(AuditLines(), IsSuccessfulSignature);
    }

    [Fact]
    public void A_name_already_in_use_is_refused_before_a_key_pair_is_made_on_the_token()
    {
        _wallets.CreateOnToken("twice", "ed25519", "testnet", Token("twice-first"), Context);

        var error = Assert.Throws<InvalidInputException>(() => _wallets.CreateOnToken("twice", "ed25519", "testnet", Token("twice-second"), Context));

        Assert.Equal("name", error.Field);
        // The label is free: no key pair was left behind under it.
        _wallets.CreateOnToken("twice-again", "ed25519", "testnet", Token("twice-second"), Context);
    }

    private static UnlockOptions Unlock() => new(new CountingPinSource(SoftHsmFixture.UserPin));

    private static TokenKeyReference Token(string keyLabel) =>
        new(Pkcs11TokenKeys.KindName, SoftHsmFixture.ModulePath, SoftHsmFixture.TokenLabel, null, keyLabel + "-" + Guid.NewGuid().ToString("N")[..8], null);

    private static JsonObject Payment(string account) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = account,
        ["Destination"] = Destination,
        ["Amount"] = "1000000",
    };

    private static bool IsSuccessfulSignature(JsonObject line) =>
        line["eventType"]?.GetValue<string>() == "transaction.sign" && line["operation"]?["result"]?.GetValue<string>() == "success";

    private List<JsonObject> AuditLines() =>
        [.. Directory.EnumerateFiles(_vault.Home.AuditDirectory, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Select(line => JsonNode.Parse(line)!.AsObject())];
}
