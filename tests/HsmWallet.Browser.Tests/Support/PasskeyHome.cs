using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting;
using HsmWallet.Hosting.Application;
using HsmWallet.Hosting.Approvals;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.Browser.Tests.Support;

/// <summary>
/// A real key-file vault in a private home, opened as the front ends open it (WalletApplication), with the passkey
/// approvers in its settings and Core's passkey check wired into the wallet use cases.
/// </summary>
public sealed class PasskeyHome : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hsmwallet-passkey-");

    /// <summary>Creates the vault and opens the application over it.</summary>
    public PasskeyHome()
    {
        var home = WalletHome.At(Path.Combine(_directory.FullName, "home"));
        Vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
        Vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));
        App = WalletApplication.Open(new ApplicationOptions
        {
            Settings = HostSettings.Resolve(home.Root, "testnet", null, _ => null),
            Secrets = new SecretOptions { AllowPrompt = false },
            Actor = new AuditActor(AuditActorType.User, "browser-test"),
        });
        App.OpenAudit();
        Verifier = App.PasskeyVerifier;
        Approvers = App.Approvers;
    }

    /// <summary>The vault, as a second handle on the same home.</summary>
    public WalletVault Vault { get; }

    /// <summary>The application both front ends hold.</summary>
    public WalletApplication App { get; }

    /// <summary>The enrolled approvers in the vault's settings.</summary>
    public PasskeyApproverStore Approvers { get; }

    /// <summary>The Fido2 adapter.</summary>
    public Fido2Passkeys Verifier { get; }

    /// <summary>A context as the MCP pipeline would build it.</summary>
    public static OperationContext Context(string tool) => OperationContext.New(new AuditActor(AuditActorType.User, "agent"), tool);

    /// <summary>Enrols approver <paramref name="name"/> by creating a passkey on the enrolment page in <paramref name="browser"/>.</summary>
    public async Task<EnrolledApprover> EnrolAsync(Chromium browser, string name)
    {
        string? status = null;
        await browser.StashCredentialsAsync(); // A fresh security key for each person: the others' credentials are kept aside.
        var approver = await PasskeyApprover.EnrolAsync(
            Approvers,
            name,
            async (url, _) =>
            {
                await browser.NavigateAsync(url);
                status = await browser.ClickAndReadStatusAsync("enrol");
            },
            TimeSpan.FromMinutes(2),
            CancellationToken.None);
        Assert.Equal("Enrolled " + name + ".", status);
        return approver;
    }

    /// <summary>Sets the signing policy to <paramref name="json"/> (the operator's `policy set`).</summary>
    public void SetPolicy(string json)
    {
        var document = Core.Policy.PolicyDocument.Parse(json);
        Core.Policy.PolicyFile.Save(Vault.Home.PolicyPath, document);
        Vault.Update(new UnlockOptions(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false })), unlocked =>
        {
            unlocked.SetSetting(VaultSettingNames.PolicySha256, System.Text.Encoding.ASCII.GetBytes(document.Sha256));
            return true;
        });
    }

    /// <summary>A testnet policy: payments above 100 XRP need approval, with the extra testnet rules in <paramref name="extraRules"/> (JSON members, may be empty).</summary>
    public static string Policy(string extraRules) =>
        "{\"version\":1,\"networks\":{\"testnet\":{\"default\":{\"max_per_transaction\":{\"XRP\":\"100\"}" + (extraRules.Length > 0 ? "," + extraRules : string.Empty) + "}}}}";

    /// <summary>A complete testnet payment of <paramref name="drops"/> from <paramref name="account"/>, ready to sign offline.</summary>
    public static System.Text.Json.Nodes.JsonObject Payment(string account, string drops) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = account,
        ["Destination"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        ["Amount"] = drops,
        ["Fee"] = "12",
        ["Sequence"] = 5,
    };

    /// <summary>Every audit entry written so far, oldest first.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> AuditLines() =>
        [.. Directory.EnumerateFiles(App.Home.AuditDirectory, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject())];

    /// <summary>Closes the application and removes the home.</summary>
    public void Dispose()
    {
        App.Dispose();
        _directory.Delete(recursive: true);
    }
}
