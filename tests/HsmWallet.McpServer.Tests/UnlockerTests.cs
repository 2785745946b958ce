using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>tx_sign end to end with each unlocker, asserting the vault key is unwrapped once per signing operation.</summary>
public static class SigningWithUnlocker
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    public static async Task SignsTwiceUnlockingOnceEachAsync(TestServerSetup setup)
    {
        await using var server = await TestServer.StartAsync(setup);
        await server.OkAsync("wallet_create", new { name = "payer" });
        for (uint sequence = 1; sequence <= 2; sequence++)
        {
            var before = server.Unlocks.Unwraps;
            var signed = await server.OkAsync("tx_sign", new
            {
                wallet = "payer",
                tx = new { TransactionType = "Payment", Destination, Amount = "1000", Fee = "12", Sequence = sequence, LastLedgerSequence = 900 },
                autofill = false,
            });
            Assert.Equal(64, signed["hash"]!.GetValue<string>().Length);
            Assert.Equal(before + 1, server.Unlocks.Unwraps);
        }

        Assert.Equal(2, server.AuditEntries("transaction.sign").Count);
    }
}

public sealed class PasswordUnlockerTests
{
    [Fact]
    public async Task With_a_password_slot_tx_sign_unlocks_once_per_signature_and_mainnet_wallets_are_allowed()
    {
        var password = SecretFiles.Write("a long test password 4711");
        var setup = new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1))),
            Options = options => options with { PasswordFile = password },
        };
        await SigningWithUnlocker.SignsTwiceUnlockingOnceEachAsync(setup);

        await using var server = await TestServer.StartAsync(setup);
        var created = await server.OkAsync("wallet_create", new { name = "rich", network = "mainnet" });
        Assert.Equal("mainnet", created["network"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_password_file_answers_unlock_failed_without_saying_more()
    {
        var password = SecretFiles.Write("the right password");
        var wrong = SecretFiles.Write("the wrong password");
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1))),
            Options = options => options with { PasswordFile = wrong },
        });
        var error = await server.ErrorAsync("wallet_list", null, "unlock_failed");
        Assert.DoesNotContain("wrong password", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_unlocking_out_and_say_until_when()
    {
        var password = SecretFiles.Write("the right password");
        var wrong = SecretFiles.Write("the wrong password");
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1))),
            Options = options => options with { PasswordFile = wrong },
        });
        JsonObject? locked = null;
        for (var attempt = 0; attempt < 10 && locked is null; attempt++)
        {
            var (isError, body) = await server.CallAsync("wallet_list");
            Assert.True(isError);
            if (body["error"]!["code"]!.GetValue<string>() == "locked_out")
            {
                locked = body["error"]!.AsObject();
            }
        }

        Assert.NotNull(locked);
        Assert.True(DateTimeOffset.Parse(locked["locked_until"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
        var status = await server.OkAsync("server_status");
        Assert.True(status["lockout"]!["locked"]!.GetValue<bool>());
    }
}

[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11UnlockerTests(SoftHsmFixture softHsm)
{
    [Fact]
    public async Task With_a_PKCS11_slot_on_SoftHSM2_tx_sign_unlocks_once_per_signature()
    {
        var pin = SecretFiles.Write("314159");
        await SigningWithUnlocker.SignsTwiceUnlockingOnceEachAsync(new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, pin, SecretKind.Pin, new Pkcs11KeyProvider(softHsm.AesGcm)),
            Options = options => options with { PinFile = pin },
        });
    }
}

public sealed class TpmUnlockerTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    [Fact]
    public async Task With_a_TPM_slot_on_swtpm_tx_sign_unlocks_once_per_signature()
    {
        var pin = SecretFiles.Write("2468");
        await SigningWithUnlocker.SignsTwiceUnlockingOnceEachAsync(new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, pin, SecretKind.Pin, new TpmKeyProvider(swtpm.Tcti, withPin: true, pinCost: TestPins.CheapCost)),
            Options = options => options with { PinFile = pin },
        });
    }
}
