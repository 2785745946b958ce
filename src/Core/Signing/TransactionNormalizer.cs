using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec.Definitions;

namespace HsmWallet.Core.Signing;

/// <summary>
/// Puts a transaction into the one form that the policy reads, the human approves and the key signs: field names
/// that are plain identifiers (nothing a cleaning step could merge or change), and X-addresses turned into the
/// classic address and its tag, as the binary codec would, with the X-address's network checked.
/// </summary>
public static class TransactionNormalizer
{
    private const int MaxNameLength = 64;

    /// <summary>Returns the normalized copy of <paramref name="transaction"/> for <paramref name="network"/>; throws naming the field on input that could mean two things.</summary>
    public static JsonObject Normalize(JsonObject transaction, string network)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(network);
        CheckNames(transaction, "tx");
        CheckSequence(transaction);
        var copy = (JsonObject)transaction.DeepClone();
        SplitXAddresses(copy, network, "");
        if (copy["RawTransactions"] is JsonArray inner)
        {
            for (var i = 0; i < inner.Count; i++)
            {
                if (inner[i]?["RawTransaction"] is JsonObject tx)
                {
                    SplitXAddresses(tx, network, $"RawTransactions[{i}].");
                }
            }
        }

        return copy;
    }

    private static void CheckSequence(JsonObject transaction)
    {
        if (transaction["Sequence"] is JsonValue value && ulong.TryParse(value.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            && sequence > SigningState.MaxSequence)
        {
            throw new InvalidInputException("Sequence", "must be at most 4294901760: the next Sequence would wrap past 2^32");
        }
    }

    private static void CheckNames(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (!IsPlainName(name))
                    {
                        throw new InvalidInputException(path, "has a field name that is not a plain ASCII identifier, so it could be read as another field");
                    }

                    CheckNames(child, path + "." + name);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckNames(array[i], $"{path}[{i}]");
                }

                break;
        }
    }

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static void SplitXAddresses(JsonObject transaction, string network, string path)
    {
        foreach (var name in transaction.Select(pair => pair.Key).ToList())
        {
            if (transaction[name] is not JsonValue value || !value.TryGetValue<string>(out var text) || !XAddress.LooksLikeXAddress(text)
                || !XrplDefinitions.Instance.FieldsByName.TryGetValue(name, out var definition) || definition.TypeName != "AccountID")
            {
                continue;
            }

            var field = path + name;
            var decoded = XAddress.Decode(text, field);
            if ((network == "mainnet" && decoded.IsTestNetwork) || (network is "testnet" or "devnet" && !decoded.IsTestNetwork))
            {
                throw new InvalidInputException(field, $"is an X-address for {(decoded.IsTestNetwork ? "a test network" : "mainnet")}, not for {network}");
            }

            transaction[name] = decoded.Account.ToClassicAddress();
            if (decoded.Tag is not uint tag)
            {
                continue;
            }

            var tagField = name switch
            {
                "Account" => "SourceTag",
                "Destination" => "DestinationTag",
                _ => throw new InvalidInputException(field, "must not be an X-address with a tag here (only Account and Destination carry tags)"),
            };
            if (transaction.ContainsKey(tagField))
            {
                throw new InvalidInputException(field, $"is an X-address with a tag and {tagField} is also given; give the tag only once");
            }

            transaction[tagField] = tag;
        }
    }
}
