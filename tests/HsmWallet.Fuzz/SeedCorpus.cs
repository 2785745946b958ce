using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.Fuzz;

/// <summary>
/// Writes the seed corpus, one folder per target under tests/HsmWallet.Fuzz/corpus/, from the repository's XRPL
/// test vectors and from files the wallet itself writes (a vault, audit lines), so the fuzzer starts from inputs that
/// pass every check and mutates inward. The corpus is committed; this only rebuilds it.
/// </summary>
internal static class SeedCorpus
{
    private const int TransactionSeeds = 39;
    private const int LedgerObjectSeeds = 40;

    /// <summary>Rewrites every target's seed folder below <paramref name="repository"/>.</summary>
    public static void Write(string repository)
    {
        var fixtures = Path.Combine(repository, "tests", "Fixtures", "xrpl");
        var corpus = Path.Combine(repository, "tests", "HsmWallet.Fuzz", "corpus");
        var codec = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "codec-fixtures.json")))!.AsObject();
        var transactions = codec["transactions"]!.AsArray().Take(TransactionSeeds).ToList();
        var objects = codec["accountState"]!.AsArray().Take(LedgerObjectSeeds).ToList();

        var seeds = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal)
        {
            ["codec"] = transactions.Concat(objects).Select(vector => Convert.FromHexString(vector!["binary"]!.GetValue<string>())).ToList(),
            ["tx-json"] = transactions.Select(vector => Utf8(vector!["json"]!.ToJsonString()))
                .Concat(Directory.EnumerateFiles(fixtures, "request-sign*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes))
                .ToList(),
            ["policy"] = [Utf8(PolicyDocument.Default.CanonicalJson), Utf8(ExamplePolicy)],
            ["vault"] = Vaults(),
            ["audit-line"] = AuditLines(),
            ["mcp-args"] = McpArguments(),
        };

        foreach (var (target, inputs) in seeds)
        {
            var folder = Path.Combine(corpus, target);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
            for (var i = 0; i < inputs.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"seed-{i:D3}")), inputs[i]);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target}: {inputs.Count} seeds"));
        }
    }

    // docs/policy.md's example: every rule kind once.
    private const string ExamplePolicy = """
        {"version":1,"networks":{"mainnet":{"default":{"allowed_transaction_types":["Payment","TrustSet","OfferCreate"],
        "blocked_transaction_types":["AccountDelete"],"max_per_transaction":{"XRP":"100","USD/rhub8VRN55s94qWKDv6jmDy1pUykJzF3wq":"250"},
        "max_hourly_volume":{"XRP":"500"},"max_daily_volume":{"XRP":"1000"},"max_transactions_per_hour":30,"max_transactions_per_day":200,
        "max_new_destinations_per_day":5,"new_destination_requires_approval":true,"unlisted_assets_require_approval":true,
        "destination_allowlist":[],"destination_blocklist":["rrrrrrrrrrrrrrrrrrrrBZbvji"],"destinations_requiring_tag":["rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh"],
        "max_fee":"0.5","blocked_memo_patterns":["s[1-9A-HJ-NP-Za-km-z]{28}"],"active_hours_utc":{"start":8,"end":20}},
        "wallets":{"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe":{"max_per_transaction":{"XRP":"5000"}}}}}}
        """;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // A key-file vault as `hsmwallet init` writes it, empty and with two wallets.
    private static List<byte[]> Vaults()
    {
        var root = Directory.CreateTempSubdirectory("hsmwallet-seed-");
        try
        {
            var home = WalletHome.At(Path.Combine(root.FullName, "home"));
            var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
            vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));
            var empty = File.ReadAllBytes(home.VaultPath);
            var unlock = new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()));
            vault.AddWallet(unlock, new WalletDescription("main", "ed25519", "testnet", "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", "ED00"), new byte[32]);
            vault.AddWallet(unlock, new WalletDescription("savings", "secp256k1", "devnet", "rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh", "02AB"), new byte[32]);
            return [empty, File.ReadAllBytes(home.VaultPath)];
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    // Lines as the audit writer appends them: a signature, a denial, one with nested parameters.
    private static List<byte[]> AuditLines()
    {
        var root = Directory.CreateTempSubdirectory("hsmwallet-seed-");
        try
        {
            using (var writer = new AuditWriter(root.FullName, new byte[32]))
            {
                writer.Append(new AuditEvent(AuditEventType.TransactionSign, "tx_sign", "corr-1", new AuditActor(AuditActorType.User, "agent"),
                    "tx_sign", new JsonObject { ["wallet"] = "main", ["sequence"] = 7 }, AuditResult.Success));
                writer.Append(new AuditEvent(AuditEventType.TransactionSign, "tx_sign", "corr-2", new AuditActor(AuditActorType.User, "agent"),
                    "tx_sign", new JsonObject { ["wallet"] = "main" }, AuditResult.Denied, "policy_denied"));
                writer.Append(new AuditEvent(AuditEventType.TransactionSign, "policy_check", "corr-3", new AuditActor(AuditActorType.User, "operator"),
                    "policy_check", new JsonObject { ["tx"] = new JsonObject { ["TransactionType"] = "Payment", ["Amount"] = "10" } }, AuditResult.Success));
            }

            return Directory.EnumerateFiles(root.FullName, "*.jsonl").Order(StringComparer.Ordinal)
                .SelectMany(File.ReadAllLines).Where(line => line.Length > 0).Select(Utf8).ToList();
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    // One call per tool with good arguments: the first byte picks the tool (FuzzTargets' order).
    private static List<byte[]> McpArguments()
    {
        const string Tx = """{"TransactionType":"Payment","Account":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Destination":"rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh","Amount":"1000000","Fee":"12","Memos":[{"Memo":{"MemoData":"48656C6C6F"}}]}""";
        string[] arguments =
        [
            """{"network":"testnet"}""",
            """{"wallet":"main"}""",
            """{"wallet":"main","limit":10,"marker":"abc"}""",
            """{"tx_blob":"1200002280000000240000000161400000000000000A68400000000000000A"}""",
            "{\"wallet\":\"main\",\"tx\":" + Tx + "}",
            """{"hash":"E08D6E9754025BA2534A78707605E0601F03ACE063687A0CA1BDDACFCD1698C7"}""",
            "{}",
            "{}",
            """{"wallet":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","limit":200,"marker":"m1"}""",
            """{"wallet":"main","type":"offer","limit":5}""",
            "{}",
            """{"wallet":"main"}""",
            """{"name":"savings","key_type":"secp256k1","network":"testnet"}""",
            "{\"wallet\":\"main\",\"tx\":" + Tx + ",\"autofill\":true,\"submit\":false,\"wait\":false,\"approval_id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"}",
            """{"tx_blob":"12000022800000002400000001","wait":true}""",
            """{"wallet":"main","file_name":"main-backup.json"}""",
            """{"wallet":"main","approval_id":"0f8fad5b-d9cb-469f-a165-70867728950e"}""",
        ];
        var seeds = arguments.Select((json, tool) => new[] { (byte)tool }.Concat(Utf8(json)).ToArray()).ToList();

        // Escapes of half a surrogate pair: valid JSON that cannot be read as text (a string argument, a transaction's
        // string and key); the validator must refuse them naming the field, never throw (issue 21).
        (int Tool, string Json)[] undecodable =
        [
            (1, "{\"wallet\":\"\\ud800\"}"),
            (13, "{\"wallet\":\"main\",\"tx\":{\"TransactionType\":\"Payment\",\"Memos\":[{\"Memo\":{\"MemoData\":\"\\udfff\"}}]}}"),
            (4, "{\"tx\":{\"TransactionType\":\"Payment\",\"\\ud800\":\"1\"}}"),
            (0, "{\"\\ud800\":1}"),
        ];
        seeds.AddRange(undecodable.Select(seed => new[] { (byte)seed.Tool }.Concat(Utf8(seed.Json)).ToArray()));
        return seeds;
    }
}
