using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NBitcoin;

namespace HsmWallet.Core.Audit;

/// <summary>
/// Removes secrets from anything headed for a log: redacts fields whose names denote secrets and
/// values that look like seeds, private keys or mnemonics, and reduces transactions to what the
/// spec allows an audit to keep. Reused for the application logs so both follow one rule.
/// </summary>
public static partial class AuditSanitizer
{
    /// <summary>Stands in for a value that was, or looked like, a secret.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>Stands in for a value that is not secret but too large or too deep to keep.</summary>
    public const string Omitted = "[omitted]";

    private const int MaxDepth = 16;
    private const int MaxStringLength = 1024;
    private const int MinMnemonicWords = 12;

    // Whole-name words that mark a secret, and words that make a "key" field harmless.
    private static readonly string[] SecretFragments = ["password", "passwd", "passphrase", "secret", "private", "seed", "mnemonic", "credential"];
    private static readonly HashSet<string> SecretTokens = new(StringComparer.Ordinal) { "pin", "pins", "sopin", "userpin", "pwd", "kek", "dek", "material", "privkey", "seckey" };
    private static readonly HashSet<string> HarmlessKeyQualifiers = new(StringComparer.Ordinal)
    {
        "public", "pub", "pubkey", "type", "types", "label", "id", "name", "kind", "algorithm", "alg", "size", "length", "index", "handle", "count", "file", "path", "slot",
    };

    private static readonly HashSet<string> TransactionNames = new(StringComparer.OrdinalIgnoreCase) { "tx", "tx_json", "txjson", "transaction" };
    private static readonly HashSet<string> BlobNames = new(StringComparer.OrdinalIgnoreCase) { "tx_blob", "txblob", "blob", "signed_tx_blob" };

    /// <summary>The transaction fields an audit entry may keep: type, source, destination, amounts and hash.</summary>
    private static readonly string[] TransactionSummaryFields =
    [
        "TransactionType", "Account", "Destination", "DestinationTag", "Amount", "DeliverMax", "SendMax", "DeliverMin",
        "TakerGets", "TakerPays", "LimitAmount", "Fee", "hash",
    ];

    private static readonly Lazy<HashSet<string>> Bip39Words = new(LoadBip39Words);

    /// <summary>Returns a sanitized deep copy of operation parameters (an empty object for null).</summary>
    public static JsonObject SanitizeParameters(JsonObject? parameters) =>
        parameters is null ? [] : (JsonObject)SanitizeNode(parameters, name: null, depth: 0)!;

    /// <summary>Returns a sanitized deep copy of any JSON value.</summary>
    public static JsonNode? Sanitize(JsonNode? node) => SanitizeNode(node, name: null, depth: 0);

    /// <summary>Returns free text (a log message) with secret-looking runs and "password=..." values replaced by [redacted].</summary>
    public static string SanitizeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = NamedSecretPattern().Replace(text, match => match.Groups["prefix"].Value + Redacted);
        result = SeedPattern().Replace(result, Redacted);
        result = HexKeyPattern().Replace(result, Redacted);
        return RedactMnemonicRuns(result);
    }

    /// <summary>True when a field name denotes a secret (password, PIN, seed, private or other key material).</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant();
        foreach (var fragment in SecretFragments)
        {
            if (lower.Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        var tokens = Tokens(name);
        var hasKey = false;
        var harmless = false;
        foreach (var token in tokens)
        {
            if (SecretTokens.Contains(token))
            {
                return true;
            }

            hasKey |= token is "key" or "keys" || (token.Length > 3 && token.EndsWith("key", StringComparison.Ordinal) && token != "pubkey");
            harmless |= HarmlessKeyQualifiers.Contains(token);
        }

        return hasKey && !harmless;
    }

    /// <summary>True when a value looks like a family seed, a hex private key or a BIP-39 mnemonic.</summary>
    public static bool LooksSecret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SeedPattern().IsMatch(value) || HexKeyPattern().IsMatch(value) || !ReferenceEquals(RedactMnemonicRuns(value), value);
    }

    /// <summary>Reduces a transaction to what the spec lets an audit keep: type, account, destination, amounts, fee and hash.</summary>
    public static JsonObject SummarizeTransaction(JsonObject transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var summary = new JsonObject();
        foreach (var field in TransactionSummaryFields)
        {
            if (transaction.TryGetPropertyValue(field, out var value))
            {
                summary[field] = SanitizeNode(value, field, depth: 2);
            }
        }

        return summary;
    }

    private static JsonNode? SanitizeNode(JsonNode? node, string? name, int depth)
    {
        if (node is null)
        {
            return null;
        }

        if (depth > MaxDepth)
        {
            return Omitted;
        }

        if (name is not null)
        {
            if (IsSecretName(name))
            {
                return Redacted;
            }

            if (TransactionNames.Contains(name) && node is JsonObject transaction)
            {
                return SummarizeTransaction(transaction);
            }

            if (BlobNames.Contains(name))
            {
                return Omitted;
            }
        }

        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = SanitizeNode(value, key, depth + 1);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(SanitizeNode(item, name, depth + 1));
                }

                return items;
            default:
                return SanitizeValue((JsonValue)node, name);
        }
    }

    private static JsonNode? SanitizeValue(JsonValue value, string? name)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (text.Length > MaxStringLength)
                {
                    return Omitted;
                }

                // Hashes and public keys are 64/66 hex by nature; only there is such a value kept. Elsewhere a key-shaped
                // run is cut out: a value that is one is redacted whole, a sentence around one (an NFT id in a ledger
                // reading) keeps its words, so an auditor still reads what the policy saw.
                var hexAllowed = name is not null && IsHashOrPublicName(name);
                if (!hexAllowed)
                {
                    text = HexKeyPattern().Replace(text, Redacted);
                }

                var secret = text == Redacted
                    || SeedPattern().IsMatch(text)
                    || !ReferenceEquals(RedactMnemonicRuns(text), text)
                    || NamedSecretPattern().IsMatch(text);
                return secret ? Redacted : JsonValue.Create(text);
            case JsonValueKind.Number:
                var number = value.ToJsonString();
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var asDouble) || !double.IsFinite(asDouble))
                {
                    return Omitted;
                }

                // Canonical JSON holds integers exactly only up to 2^53; larger ones travel as strings.
                var isInteger = number.AsSpan().IndexOfAny(".eE") < 0;
                return isInteger && Math.Abs(asDouble) >= 9007199254740992d
                    ? JsonValue.Create(BigInteger.Parse(number, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture))
                    : JsonNode.Parse(number);
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    private static bool IsHashOrPublicName(string name)
    {
        foreach (var token in Tokens(name))
        {
            // "binding" and "assertion": an approval's binding and a passkey's assertion (challenge material and a signature, public by nature).
            if (token is "hash" or "hashes" or "public" or "pub" or "pubkey" or "txid" or "sha256" or "sha512" or "digest" or "checksum" or "binding" or "assertion"
                || token.EndsWith("hash", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits camelCase, snake_case and kebab-case names into lowercase words.</summary>
    private static List<string> Tokens(string name)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }

            if (char.IsUpper(c) && current.Length > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                Flush();
            }

            current.Append(char.ToLowerInvariant(c));
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
    }

    /// <summary>Replaces every run of 12 or more mnemonic-looking words; returns the same instance when there is none.</summary>
    private static string RedactMnemonicRuns(string text)
    {
        var words = WordPattern().Matches(text);
        if (words.Count < MinMnemonicWords)
        {
            return text;
        }

        var dictionary = Bip39Words.Value;
        StringBuilder? result = null;
        var copied = 0;
        var runStart = 0;
        var inList = 0;
        for (var i = 0; i <= words.Count; i++)
        {
            // A run continues while words are separated by whitespace only.
            var continues = i < words.Count && i > runStart
                && string.IsNullOrWhiteSpace(text[(words[i - 1].Index + words[i - 1].Length)..words[i].Index]);
            if (i < words.Count && (i == runStart || continues))
            {
                inList += dictionary.Contains(words[i].Value) ? 1 : 0;
                continue;
            }

            var runLength = i - runStart;
            if (runLength >= MinMnemonicWords && inList * 3 >= runLength * 2)
            {
                // Ordinary words around the phrase stay readable.
                var first = runStart;
                var last = i - 1;
                while (!dictionary.Contains(words[first].Value))
                {
                    first++;
                }

                while (!dictionary.Contains(words[last].Value))
                {
                    last--;
                }

                var start = words[first].Index;
                var end = words[last].Index + words[last].Length;
                result ??= new StringBuilder(text.Length);
                result.Append(text, copied, start - copied).Append(Redacted);
                copied = end;
            }

            if (i < words.Count)
            {
                runStart = i;
                inList = dictionary.Contains(words[i].Value) ? 1 : 0;
            }
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    private static HashSet<string> LoadBip39Words()
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Wordlist.English.GetWords())
        {
            words.Add(word);
        }

        return words;
    }

    /// <summary>XRPL family seeds: "s" then base58 (secp256k1 seeds have 29 characters, ed25519 "sEd..." 31).</summary>
    [GeneratedRegex("(?<![1-9A-HJ-NP-Za-km-z])s[1-9A-HJ-NP-Za-km-z]{26,32}(?![1-9A-HJ-NP-Za-km-z])", RegexOptions.CultureInvariant)]
    private static partial Regex SeedPattern();

    /// <summary>Raw private keys: 64 or 66 hex digits (the 00/ED-prefixed XRPL form), or a 128-digit expanded key.</summary>
    [GeneratedRegex("(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{66}|[0-9A-Fa-f]{128})(?![0-9A-Fa-f])", RegexOptions.CultureInvariant)]
    private static partial Regex HexKeyPattern();

    /// <summary>Words a mnemonic could be made of: 3 to 8 lowercase letters.</summary>
    [GeneratedRegex("(?<![A-Za-z])[a-z]{3,8}(?![A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    /// <summary>"password=...", "pin: ...", "secret ..." in free text: the name is kept, the value goes.</summary>
    [GeneratedRegex("(?<prefix>\\b(?:password|passwd|passphrase|pin|secret|seed|mnemonic|private[_ -]?key)\\b\\s*[:=]\\s*)(?:\"[^\"]*\"|'[^']*'|\\S+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NamedSecretPattern();
}
