using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.KeyProviders;
using HsmWallet.McpServer.Tests.Support;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// wallet_export writes only into the home's backups/ folder, under a plain file name, never over an existing
/// file (not even one created while the export waits for its approval or its unlock), and the person approves
/// the real path.
/// </summary>
public sealed class ExportConfinementTests
{
    private static TestServerSetup Approving(Action<ElicitRequestParams>? seen = null) => new()
    {
        Elicit = request =>
        {
            seen?.Invoke(request);
            return Approvals.Accept();
        },
    };

    private static string Backups(TestServer server) => Path.Combine(server.Home, "backups");

    [Fact]
    public async Task An_export_goes_to_backups_under_the_home_and_its_sha256_matches_the_file()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("wallet_create", new { name = "saver" });

        var pending = await server.ErrorAsync("wallet_export", new { wallet = "saver" }, "approval_pending");
        var id = pending["approval_id"]!.GetValue<string>();
        var shown = server.Services.App.Approvals.Get(id).Summary;
        server.Services.App.Approvals.Approve(id);
        var exported = await server.OkAsync("wallet_export", new { wallet = "saver", approval_id = id });

        var path = exported["path"]!.GetValue<string>();
        Assert.Equal(Backups(server), Path.GetDirectoryName(path));
        Assert.EndsWith(".hsmwallet-backup.json", path, StringComparison.Ordinal);
        Assert.StartsWith("saver-", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.Contains($"Backup file: {path}", shown.Lines);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), exported["sha256"]!.GetValue<string>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Backups(server)));
    }

    [Fact]
    public async Task A_named_export_shows_its_real_path_in_the_form_and_is_written_there()
    {
        ElicitRequestParams? asked = null;
        await using var server = await TestServer.StartAsync(Approving(request => asked = request));
        await server.OkAsync("wallet_create", new { name = "saver" });

        var exported = await server.OkAsync("wallet_export", new { wallet = "saver", file_name = "saver-weekly.json" });

        var expected = Path.Combine(Backups(server), "saver-weekly.json");
        Assert.Equal(expected, exported["path"]!.GetValue<string>());
        Assert.Contains($"Backup file: {expected}", asked!.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(expected));
    }

    public static TheoryData<string> PathLikeNames() =>
    [
        "../policy.json", "..", "a..b.json", "sub/backup.json", "/etc/hsmwallet-backup.json", ".hidden.json", "-rf.json",
        "name with space.json", "caf\u00e9.json", "back\u2028up.json", new string('a', 129),
    ];

    [Theory]
    [MemberData(nameof(PathLikeNames))]
    public async Task A_file_name_that_is_a_path_or_not_a_plain_name_is_refused_naming_file_name(string fileName)
    {
        await using var server = await TestServer.StartAsync(Approving());
        await server.OkAsync("wallet_create", new { name = "saver" });

        var error = await server.ErrorAsync("wallet_export", new { wallet = "saver", file_name = fileName }, "invalid_input");

        Assert.StartsWith("file_name:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.AuditEntries("wallet.export"), entry => entry["operation"]!["result"]!.GetValue<string>() == "success");
        Assert.False(Directory.Exists(Backups(server)) && Directory.EnumerateFileSystemEntries(Backups(server)).Any());
    }

    [Fact]
    public async Task Policy_json_as_a_file_name_lands_in_backups_and_leaves_the_policy_untouched()
    {
        await using var server = await TestServer.StartAsync(Approving() with
        {
            Prepare = home =>
            {
                TestServer.CreateKeyFileVault(home);
                TestServer.SetPolicy(home, """{"version":1,"networks":{"testnet":{"default":{"blocked_transaction_types":["AccountSet"]}}}}""");
            },
        });
        var policyPath = Path.Combine(server.Home, "policy.json");
        var policy = File.ReadAllBytes(policyPath);
        await server.OkAsync("wallet_create", new { name = "saver" });

        var exported = await server.OkAsync("wallet_export", new { wallet = "saver", file_name = "policy.json" });

        Assert.Equal(Path.Combine(Backups(server), "policy.json"), exported["path"]!.GetValue<string>());
        Assert.Equal(policy, File.ReadAllBytes(policyPath));
        Assert.Equal("allow", (await server.OkAsync("policy_check", new { wallet = "saver", tx = new { TransactionType = "Payment", Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", Amount = "1000", Fee = "12", Sequence = 1 } }))["decision"]!.GetValue<string>());
        Assert.Equal("deny", (await server.OkAsync("policy_check", new { wallet = "saver", tx = new { TransactionType = "AccountSet", Fee = "12", Sequence = 1 } }))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_existing_file_is_refused_and_left_as_it_was()
    {
        await using var server = await TestServer.StartAsync(Approving());
        await server.OkAsync("wallet_create", new { name = "saver" });
        Directory.CreateDirectory(Backups(server), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var taken = Path.Combine(Backups(server), "taken.json");
        File.WriteAllText(taken, "the operator's own file");

        var error = await server.ErrorAsync("wallet_export", new { wallet = "saver", file_name = "taken.json" }, "invalid_input");

        Assert.StartsWith("file_name:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("the operator's own file", File.ReadAllText(taken));
    }

    [Fact]
    public async Task A_file_created_while_the_person_approves_is_not_replaced()
    {
        string? planted = null;
        await using var server = await TestServer.StartAsync(Approving(request =>
        {
            planted = Path.Combine(Path.GetDirectoryName(request.Message.Split("Backup file: ")[1].Split('\n')[0])!, "raced.json");
            File.WriteAllText(planted, "planted during the approval");
        }));
        await server.OkAsync("wallet_create", new { name = "saver" });

        var error = await server.ErrorAsync("wallet_export", new { wallet = "saver", file_name = "raced.json" }, "invalid_input");

        Assert.StartsWith("file_name:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("planted during the approval", File.ReadAllText(planted!));
    }

    [Fact]
    public async Task A_file_created_during_the_unlock_is_not_replaced()
    {
        Action? duringUnlock = null;
        await using var server = await TestServer.StartAsync(Approving() with
        {
            Providers = () => Hooked(StandardKeyProviders.CreateRegistry(), () => duringUnlock?.Invoke()),
        });
        await server.OkAsync("wallet_create", new { name = "saver" });
        var target = Path.Combine(Backups(server), "raced.json");
        duringUnlock = () =>
        {
            if (Directory.Exists(Backups(server)) && !File.Exists(target))
            {
                File.WriteAllText(target, "planted during the unlock");
            }
        };

        var error = await server.ErrorAsync("wallet_export", new { wallet = "saver", file_name = "raced.json" }, "invalid_input");

        Assert.StartsWith("file_name:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("planted during the unlock", File.ReadAllText(target));
    }

    [Fact]
    public async Task A_symlinked_backups_folder_is_refused_and_nothing_is_written_through_it()
    {
        await using var server = await TestServer.StartAsync(Approving());
        await server.OkAsync("wallet_create", new { name = "saver" });
        var elsewhere = Directory.CreateDirectory(Path.Combine(server.Home, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Backups(server), elsewhere);

        var named = await server.ErrorAsync("wallet_export", new { wallet = "saver", file_name = "saver.json" }, "internal");
        await server.ErrorAsync("wallet_export", new { wallet = "saver" }, "internal");

        Assert.Contains("backups/", named["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task A_dangling_backups_link_is_refused_and_not_followed()
    {
        await using var server = await TestServer.StartAsync(Approving());
        await server.OkAsync("wallet_create", new { name = "saver" });
        var target = Path.Combine(server.Home, "not-yet");
        Directory.CreateSymbolicLink(Backups(server), target);

        await server.ErrorAsync("wallet_export", new { wallet = "saver", file_name = "saver.json" }, "internal");

        Assert.False(Path.Exists(target));
    }

    [Fact]
    public async Task Out_path_is_refused_with_a_message_that_names_file_name()
    {
        await using var server = await TestServer.StartAsync(Approving());
        await server.OkAsync("wallet_create", new { name = "saver" });
        var outside = Path.Combine(server.Home, "outside.json");

        var error = await server.ErrorAsync("wallet_export", new { wallet = "saver", out_path = outside }, "invalid_input");

        var message = error["message"]!.GetValue<string>();
        Assert.StartsWith("out_path:", message, StringComparison.Ordinal);
        Assert.Contains("file_name", message, StringComparison.Ordinal);
        Assert.False(File.Exists(outside));
    }

    private static KeyProviderRegistry Hooked(KeyProviderRegistry inner, Action onUnwrap)
    {
        var registry = new KeyProviderRegistry();
        foreach (var kind in inner.Kinds)
        {
            registry.Register(kind, () => new HookedKeyProvider(inner.Create(kind), onUnwrap));
        }

        return registry;
    }

    /// <summary>Runs an action inside every unwrap: what another process could do while the vault is being unlocked.</summary>
    private sealed class HookedKeyProvider(IKeyProvider inner, Action onUnwrap) : IKeyProvider
    {
        public string Kind => inner.Kind;

        public bool IsHardwareBacked => inner.IsHardwareBacked;

        public KeyProviderHealth CheckHealth() => inner.CheckHealth();

        public SecretRequest? EnrolmentSecret(SlotBinding binding) => inner.EnrolmentSecret(binding);

        public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret) => inner.Enrol(vaultKey, binding, secret);

        public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding) => inner.UnlockSecret(parameters, binding);

        public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
        {
            onUnwrap();
            return inner.Unwrap(parameters, binding, secret);
        }
    }
}
