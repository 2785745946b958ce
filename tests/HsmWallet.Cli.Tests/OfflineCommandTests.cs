using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

public class OfflineCommandTests
{
    [Theory]
    [InlineData("secp256k1")]
    [InlineData("ed25519")]
    public void Derive_prints_the_reference_address_and_public_key_of_a_family_seed(string keyType)
    {
        var fixture = XrplFixtures.Load("keypairs-api.json")[keyType]!;

        var result = CliProcess.Run((string)fixture["seed"]! + "\n", "offline", "derive");

        Assert.Equal(0, result.ExitCode);
        var output = JsonNode.Parse(result.Stdout)!;
        Assert.Equal((string)fixture["address"]!, (string)output["address"]!);
        Assert.Equal((string)fixture["keypair"]!["publicKey"]!, (string)output["public_key"]!);
        Assert.Equal(keyType, (string)output["key_type"]!);
        Assert.DoesNotContain((string)fixture["seed"]!, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Derive_with_a_key_type_override_gives_another_address_for_the_same_seed()
    {
        var seed = (string)XrplFixtures.Load("keypairs-api.json")["secp256k1"]!["seed"]!;

        var natural = JsonNode.Parse(CliProcess.Run(seed, "offline", "derive", "--json").Stdout)!;
        var overridden = JsonNode.Parse(CliProcess.Run(seed, "offline", "derive", "--key-type", "ed25519", "--json").Stdout)!;

        Assert.Equal("ed25519", (string)overridden["key_type"]!);
        Assert.StartsWith("ED", (string)overridden["public_key"]!, StringComparison.Ordinal);
        Assert.NotEqual((string)natural["address"]!, (string)overridden["address"]!);
    }

    [Fact]
    public void Derive_from_a_mnemonic_defaults_to_the_first_account_and_honours_the_path()
    {
        const string words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

        var first = CliProcess.Run(words, "offline", "derive", "--json");
        var explicitFirst = CliProcess.Run(words, "offline", "derive", "--path", "m/44'/144'/0'/0/0", "--json");
        var second = CliProcess.Run(words, "offline", "derive", "--path", "m/44'/144'/0'/0/1", "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("secp256k1", (string)JsonNode.Parse(first.Stdout)!["key_type"]!);
        Assert.Equal(first.Stdout, explicitFirst.Stdout);
        Assert.NotEqual(first.Stdout, second.Stdout);
    }

    [Fact]
    public void A_seed_with_a_typo_exits_2_with_one_line_naming_the_field_and_never_the_seed()
    {
        var seed = (string)XrplFixtures.Load("keypairs-api.json")["secp256k1"]!["seed"]!;
        var typo = seed[..^1] + (seed[^1] == 'r' ? 'p' : 'r');

        var result = CliProcess.Run(typo, "offline", "derive");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("seed", line, StringComparison.Ordinal);
        Assert.Contains("checksum", line, StringComparison.Ordinal);
        Assert.DoesNotContain(typo, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mnemonic_with_a_bad_checksum_is_refused_with_exit_2()
    {
        const string words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";

        var result = CliProcess.Run(words, "offline", "derive", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("invalid_input", (string)JsonNode.Parse(result.Stdout)!["error"]!["code"]!);
        Assert.DoesNotContain("abandon", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_stdin_is_bad_input_not_a_crash()
    {
        var result = CliProcess.Run(string.Empty, "offline", "derive");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("stdin", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("request-sign.json", "response-sign.json")]
    [InlineData("request-signEscrow.json", "response-signEscrow.json")]
    [InlineData("request-signTicket.json", "response-signTicket.json")]
    public void Sign_reproduces_the_reference_blob_and_hash_byte_for_byte(string request, string response)
    {
        var tx = XrplFixtures.Load(request);
        var expected = XrplFixtures.Load(response);

        var result = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", XrplFixtures.PathOf(request), "--signer-account", (string)tx["Account"]!, "--json");

        Assert.Equal(0, result.ExitCode);
        var output = JsonNode.Parse(result.Stdout)!;
        Assert.Equal((string)expected["signedTransaction"]!, (string)output["tx_blob"]!);
        Assert.Equal((string)expected["id"]!, (string)output["hash"]!);
    }

    [Fact]
    public void Sign_refuses_an_account_the_key_does_not_own_unless_the_signer_account_is_named()
    {
        var result = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", XrplFixtures.PathOf("request-signEscrow.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Account", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--signer-account", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Multisign_then_combine_reproduces_the_reference_multisigned_transaction()
    {
        var expected = XrplFixtures.Load("response-signAs.json");
        using var scratch = new ScratchDirectory();

        var share = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", XrplFixtures.PathOf("request-signAs.json"), "--multisign", "--json");
        Assert.Equal(0, share.ExitCode);
        var shareJson = JsonNode.Parse(share.Stdout)!;
        Assert.Equal("rHLEki8gPUMnF72JnuALvnAMRhRemzhRke", (string)shareJson["signer"]!["Account"]!);
        Assert.Equal((string)expected["signedTransaction"]!, (string)shareJson["tx_blob"]!);

        var shareFile = scratch.Write("share.json", share.Stdout);
        var combined = CliProcess.Run(null, "offline", "combine", shareFile, "--json");

        Assert.Equal(0, combined.ExitCode);
        var output = JsonNode.Parse(combined.Stdout)!;
        Assert.Equal((string)expected["signedTransaction"]!, (string)output["tx_blob"]!);
        Assert.Equal((string)expected["id"]!, (string)output["hash"]!);
    }

    [Fact]
    public void Combine_orders_signers_by_account_and_refuses_a_share_of_another_transaction()
    {
        using var scratch = new ScratchDirectory();
        var tx = scratch.Write("tx.json", """{"TransactionType":"Payment","Account":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","Destination":"rnUy2SHTrB9DubsPmkJZUXTf5FcNDGrYEA","Amount":"1000","Fee":"30","Sequence":7}""");
        var other = scratch.Write("other.json", """{"TransactionType":"Payment","Account":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","Destination":"rnUy2SHTrB9DubsPmkJZUXTf5FcNDGrYEA","Amount":"9999","Fee":"30","Sequence":7}""");
        var seeds = (JsonNode)XrplFixtures.Load("keypairs-api.json");
        var first = scratch.Write("a.json", CliProcess.Run((string)seeds["secp256k1"]!["seed"]!, "offline", "sign", "--tx", tx, "--multisign", "--json").Stdout);
        var second = scratch.Write("b.json", CliProcess.Run((string)seeds["ed25519"]!["seed"]!, "offline", "sign", "--tx", tx, "--multisign", "--json").Stdout);
        var stray = scratch.Write("c.json", CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", other, "--multisign", "--json").Stdout);

        var combined = CliProcess.Run(null, "offline", "combine", second, first, "--json");
        var refused = CliProcess.Run(null, "offline", "combine", first, stray);

        Assert.Equal(0, combined.ExitCode);
        var decoded = JsonNode.Parse(CliProcess.Run(null, "tx", "decode", (string)JsonNode.Parse(combined.Stdout)!["tx_blob"]!, "--json").Stdout)!;
        var accounts = decoded["Signers"]!.AsArray().Select(s => (string)s!["Signer"]!["Account"]!).ToList();
        Assert.Equal(2, accounts.Count);
        Assert.Equal(new[] { "rLUEXYuLiQptky37CqLcm9USQpPiz5rkpD", "rU6K7V3Po4snVhBBaU29sesqs2qTQJWDw1" }.Order(Comparer<string>.Create(CompareAccounts)), accounts);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("different transaction", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Multisign_with_a_signer_account_signs_for_that_account_with_the_regular_key()
    {
        var share = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", XrplFixtures.PathOf("request-signAs.json"), "--multisign", "--signer-account", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "--json");

        Assert.Equal(0, share.ExitCode);
        var signer = JsonNode.Parse(share.Stdout)!["signer"]!;
        Assert.Equal("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", (string)signer["Account"]!);
        Assert.Equal((string)XrplFixtures.Load("request-sign.json")["SigningPubKey"]!, (string)signer["SigningPubKey"]!);
    }

    [Fact]
    public void Sign_without_the_tx_option_is_a_usage_error_with_exit_2()
    {
        var result = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("invalid_input", (string)JsonNode.Parse(result.Stdout)!["error"]!["code"]!);
        Assert.Contains("--tx", result.Stderr, StringComparison.Ordinal);
    }

    private static int CompareAccounts(string left, string right) =>
        Core.Xrpl.Addresses.AccountId.ParseClassic(left, "a").CompareTo(Core.Xrpl.Addresses.AccountId.ParseClassic(right, "b"));
}
