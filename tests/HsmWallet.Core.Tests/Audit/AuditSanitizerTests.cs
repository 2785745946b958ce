using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public class AuditSanitizerTests
{
    // Published test vectors (xrpl.js fixtures, BIP-39 reference vectors); never real funds.
    private const string Secp256k1Seed = "sp5fghtJtpUorTwvof1NpDXAzNwf5";
    private const string Ed25519Seed = "sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r";
    private const string PrivateKey66 = "00D78B9735C3F26501C7337B8A5727FD53A6EFDBC6AA55984F098488561F985E23";
    private const string PrivateKey64 = "D78B9735C3F26501C7337B8A5727FD53A6EFDBC6AA55984F098488561F985E23";
    private const string Mnemonic12 = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    private const string Mnemonic24 = "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title";

    [Theory]
    [InlineData(Secp256k1Seed)]
    [InlineData(Ed25519Seed)]
    [InlineData(PrivateKey66)]
    [InlineData(PrivateKey64)]
    [InlineData(Mnemonic12)]
    [InlineData(Mnemonic24)]
    public void A_secret_value_under_a_harmless_name_is_redacted(string secret)
    {
        var sanitized = AuditSanitizer.SanitizeParameters(new JsonObject { ["note"] = secret, ["wallet"] = "main" });

        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["note"]!);
        Assert.Equal("main", (string)sanitized["wallet"]!);
        Assert.DoesNotContain(secret, sanitized.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("pin")]
    [InlineData("so_pin")]
    [InlineData("userPin")]
    [InlineData("passphrase")]
    [InlineData("secret")]
    [InlineData("master_seed")]
    [InlineData("seed_hex")]
    [InlineData("mnemonic")]
    [InlineData("private_key")]
    [InlineData("privateKey")]
    [InlineData("vault_key")]
    [InlineData("hmacKey")]
    [InlineData("key_material")]
    [InlineData("recovery-key")]
    [InlineData("master_key")]
    [InlineData("credentials")]
    public void A_secret_field_name_redacts_whatever_value_it_holds(string name)
    {
        var sanitized = AuditSanitizer.SanitizeParameters(new JsonObject
        {
            ["outer"] = new JsonObject { [name] = "hunter2" },
            ["numbers"] = new JsonObject { [name] = 1234 },
            ["objects"] = new JsonObject { [name] = new JsonObject { ["value"] = "x" } },
        });

        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["outer"]![name]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["numbers"]![name]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["objects"]![name]!);
    }

    [Theory]
    [InlineData("wallet")]
    [InlineData("key_type")]
    [InlineData("keyType")]
    [InlineData("public_key")]
    [InlineData("SigningPubKey")]
    [InlineData("token_label")]
    [InlineData("key_label")]
    [InlineData("shipping")]
    [InlineData("mapping")]
    [InlineData("amount")]
    public void Harmless_field_names_are_not_secret(string name)
    {
        Assert.False(AuditSanitizer.IsSecretName(name));
    }

    [Fact]
    public void Secrets_inside_nested_objects_and_arrays_are_redacted_and_harmless_fields_kept()
    {
        var parameters = new JsonObject
        {
            ["wallet"] = "treasury",
            ["limit"] = 10,
            ["approved"] = true,
            ["list"] = new JsonArray("keep me", Ed25519Seed, new JsonObject { ["pin"] = "0000", ["label"] = "ok" }),
            ["deep"] = new JsonObject { ["deeper"] = new JsonObject { ["words"] = Mnemonic12, ["count"] = 3 } },
        };

        var sanitized = AuditSanitizer.SanitizeParameters(parameters);
        var text = sanitized.ToJsonString();

        Assert.Equal("treasury", (string)sanitized["wallet"]!);
        Assert.Equal(10, (int)sanitized["limit"]!);
        Assert.True((bool)sanitized["approved"]!);
        Assert.Equal("keep me", (string)sanitized["list"]![0]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["list"]![1]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["list"]![2]!["pin"]!);
        Assert.Equal("ok", (string)sanitized["list"]![2]!["label"]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["deep"]!["deeper"]!["words"]!);
        Assert.Equal(3, (int)sanitized["deep"]!["deeper"]!["count"]!);
        Assert.DoesNotContain("0000", text, StringComparison.Ordinal);
        Assert.Equal(Ed25519Seed, (string)parameters["list"]![1]!); // The input is not modified.
    }

    [Fact]
    public void A_key_shaped_run_inside_a_sentence_is_cut_out_and_the_words_are_kept()
    {
        var key = new string('a', 64);
        var parameters = new JsonObject { ["description"] = $"pays 4999 XRP to rAttacker for NFT {key}", ["alone"] = key };

        var sanitized = AuditSanitizer.SanitizeParameters(parameters);

        Assert.Equal("pays 4999 XRP to rAttacker for NFT " + AuditSanitizer.Redacted, (string)sanitized["description"]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["alone"]!);
        Assert.DoesNotContain(key, sanitized.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_transaction_is_reduced_to_type_accounts_amounts_fee_and_hash()
    {
        var hash = "C53ECF838647FA5A4C780377025FEC7999AB4182590510CA461444B207AB74A9";
        var parameters = new JsonObject
        {
            ["tx"] = new JsonObject
            {
                ["TransactionType"] = "Payment",
                ["Account"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
                ["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
                ["Amount"] = "1000000",
                ["Fee"] = "12",
                ["Memos"] = new JsonArray(new JsonObject { ["Memo"] = new JsonObject { ["MemoData"] = "7365637265742064617461" } }),
                ["TxnSignature"] = "3045022100ABCDEF",
                ["SigningPubKey"] = "03ABCDEF",
                ["hash"] = hash,
            },
            ["tx_blob"] = "1200002280000000",
        };

        var sanitized = AuditSanitizer.SanitizeParameters(parameters);
        var tx = sanitized["tx"]!.AsObject();

        Assert.Equal(["TransactionType", "Account", "Destination", "Amount", "Fee", "hash"], tx.Select(p => p.Key).ToArray());
        Assert.Equal(hash, (string)tx["hash"]!);
        Assert.Equal("1000000", (string)tx["Amount"]!);
        Assert.Equal(AuditSanitizer.Omitted, (string)sanitized["tx_blob"]!);
    }

    [Fact]
    public void A_hash_field_keeps_its_64_hex_value_while_other_fields_do_not()
    {
        var hex = new string('A', 64);
        var sanitized = AuditSanitizer.SanitizeParameters(new JsonObject { ["tx_hash"] = hex, ["value"] = hex });

        Assert.Equal(hex, (string)sanitized["tx_hash"]!);
        Assert.Equal(AuditSanitizer.Redacted, (string)sanitized["value"]!);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("backup_sha256")]
    [InlineData("policyDigest")]
    [InlineData("checksum")]
    public void A_digest_field_keeps_its_64_hex_value(string name)
    {
        var hex = new string('b', 64);

        var sanitized = AuditSanitizer.SanitizeParameters(new JsonObject { [name] = hex });

        Assert.Equal(hex, (string)sanitized[name]!);
    }

    [Fact]
    public void Free_text_keeps_its_words_and_loses_its_secrets()
    {
        var message = $"import of {Secp256k1Seed} failed; password=hunter2 pin: 1234 words {Mnemonic12}, then done";

        var sanitized = AuditSanitizer.SanitizeText(message);

        Assert.Equal("import of [redacted] failed; password=[redacted] pin: [redacted] words [redacted], then done", sanitized);
    }

    [Fact]
    public void Ordinary_sentences_and_addresses_are_not_mistaken_for_secrets()
    {
        var sentence = "the signing request for wallet treasury was denied by policy because the daily limit was reached today";

        Assert.False(AuditSanitizer.LooksSecret(sentence));
        Assert.False(AuditSanitizer.LooksSecret("rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"));
        Assert.False(AuditSanitizer.LooksSecret("1000000"));
        Assert.Equal(sentence, AuditSanitizer.SanitizeText(sentence));
    }

    [Fact]
    public void Integers_beyond_exact_double_range_become_strings_so_the_entry_stays_canonical()
    {
        var sanitized = AuditSanitizer.SanitizeParameters((JsonObject)JsonNode.Parse("{\"n\":18446744073709551615}")!);

        Assert.Equal("18446744073709551615", (string)sanitized["n"]!);
    }
}
