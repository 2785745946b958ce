using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Policy;

/// <summary>
/// A policy file read, checked and put into one canonical spelling, so its SHA-256 (recorded in the
/// vault) identifies its meaning and not its whitespace. Shape:
/// {"version":1,"networks":{"mainnet":{"default":{rules},"wallets":{"rADDRESS":{rules}}}}};
/// a wallet's rules override the network default field by field.
/// </summary>
public sealed partial class PolicyDocument
{
    /// <summary>The only file format version this build reads.</summary>
    public const int CurrentVersion = 1;

    private readonly Dictionary<string, PolicyRules> _defaults = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Network, string Wallet), PolicyRules> _wallets = [];

    private PolicyDocument(JsonObject canonical)
    {
        Canonical = canonical;
        CanonicalJson = canonical.ToJsonString();
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson)));
        foreach (var (network, node) in (JsonObject)canonical["networks"]!)
        {
            var networkObject = (JsonObject)node!;
            var defaults = (JsonObject)networkObject["default"]!;
            _defaults[network] = PolicyRulesReader.Compile(defaults);
            if (networkObject["wallets"] is JsonObject wallets)
            {
                foreach (var (wallet, rules) in wallets)
                {
                    var merged = (JsonObject)defaults.DeepClone();
                    foreach (var (name, value) in (JsonObject)rules!)
                    {
                        merged[name] = value?.DeepClone();
                    }

                    _wallets[(network, wallet)] = PolicyRulesReader.Compile(merged);
                }
            }
        }
    }

    /// <summary>The built-in policy used until an operator sets one (see docs/policy.md for why).</summary>
    public static PolicyDocument Default { get; } = Parse(PolicyDefaults.Json);

    /// <summary>The canonical JSON text: sorted keys, normalized amounts and addresses, no whitespace.</summary>
    public string CanonicalJson { get; }

    /// <summary>Lowercase hex SHA-256 of <see cref="CanonicalJson"/>, the value the vault records.</summary>
    public string Sha256 { get; }

    private JsonObject Canonical { get; }

    /// <summary>Reads and checks a policy file; throws <see cref="InvalidInputException"/> naming the field path and rule.</summary>
    public static PolicyDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            // A key given twice is refused here, where it is read: it could mean either value (and the tree
            // built from it would otherwise fail later with an error naming no field; found by fuzzing).
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            throw new InvalidInputException("policy", "must be valid JSON with each key given once", exception);
        }

        if (root is not JsonObject document)
        {
            throw new InvalidInputException("policy", "must be a JSON object");
        }

        foreach (var (name, _) in document)
        {
            if (name is not "version" and not "networks")
            {
                throw new InvalidInputException(name, "is not a policy field (expected version, networks)");
            }
        }

        if (document["version"] is not JsonValue version || version.GetValueKind() != JsonValueKind.Number
            || !version.TryGetValue<int>(out var number) || number != CurrentVersion)
        {
            throw new InvalidInputException("version", "must be 1");
        }

        if (document["networks"] is not JsonObject networks || networks.Count == 0)
        {
            throw new InvalidInputException("networks", "must be an object naming at least one network");
        }

        var canonicalNetworks = new JsonObject();
        foreach (var (network, node) in networks.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var path = "networks." + network;
            if (!NetworkName().IsMatch(network))
            {
                throw new InvalidInputException(path, "network name must be lowercase letters, digits or '-'");
            }

            if (node is not JsonObject networkObject)
            {
                throw new InvalidInputException(path, "must be an object");
            }

            var canonicalNetwork = new JsonObject();
            foreach (var (name, value) in networkObject)
            {
                if (name is not "default" and not "wallets")
                {
                    throw new InvalidInputException(path + "." + name, "is not a network field (expected default, wallets)");
                }
            }

            canonicalNetwork["default"] = PolicyRulesReader.Normalize(networkObject["default"], path + ".default");
            if (networkObject["wallets"] is not null)
            {
                if (networkObject["wallets"] is not JsonObject wallets)
                {
                    throw new InvalidInputException(path + ".wallets", "must be an object of address to rules");
                }

                var canonicalWallets = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                foreach (var (wallet, rules) in wallets)
                {
                    var walletPath = path + ".wallets." + wallet;
                    var address = AccountId.ParseClassic(wallet, walletPath).ToClassicAddress();
                    if (!canonicalWallets.TryAdd(address, PolicyRulesReader.Normalize(rules, walletPath)))
                    {
                        throw new InvalidInputException(walletPath, "names a wallet twice");
                    }
                }

                var walletsObject = new JsonObject();
                foreach (var (address, rules) in canonicalWallets)
                {
                    walletsObject[address] = rules;
                }

                canonicalNetwork["wallets"] = walletsObject;
            }

            canonicalNetworks[network] = canonicalNetwork;
        }

        return new PolicyDocument(new JsonObject { ["networks"] = canonicalNetworks, ["version"] = CurrentVersion });
    }

    /// <summary>The rules for one wallet on one network, or null when the policy does not name the network (deny).</summary>
    public PolicyRules? RulesFor(string network, AccountId wallet) => RulesFor(network, wallet.ToClassicAddress());

    /// <summary>The rules for a wallet named by its classic address.</summary>
    internal PolicyRules? RulesFor(string network, string walletAddress)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (_wallets.Count > 0 && _wallets.TryGetValue((network, walletAddress), out var rules))
        {
            return rules;
        }

        return _defaults.GetValueOrDefault(network);
    }

    /// <summary>Says in words what changes from <paramref name="previous"/> to this document, one line per field.</summary>
    public IReadOnlyList<string> DescribeChangesFrom(PolicyDocument previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var before = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var after = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Flatten(previous.Canonical, string.Empty, before);
        Flatten(Canonical, string.Empty, after);
        var lines = new List<string>();
        foreach (var (path, value) in before)
        {
            if (!after.TryGetValue(path, out var now))
            {
                lines.Add($"{path}: removed (was {value})");
            }
            else if (now != value)
            {
                lines.Add($"{path}: {value} -> {now}");
            }
        }

        foreach (var (path, value) in after)
        {
            if (!before.ContainsKey(path))
            {
                lines.Add($"{path}: added {value}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Flatten(JsonNode? node, string path, SortedDictionary<string, string> into)
    {
        if (node is JsonObject obj && obj.Count > 0)
        {
            foreach (var (name, child) in obj)
            {
                Flatten(child, path.Length == 0 ? name : path + "." + name, into);
            }

            return;
        }

        into[path] = node is JsonArray array
            ? "[" + string.Join(", ", array.Select(item => item?.ToJsonString())) + "]"
            : node?.ToJsonString() ?? "null";
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NetworkName();
}
