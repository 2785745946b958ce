using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Ledger;

/// <summary>One trust line of an account (account_lines), every field checked, so a hostile server cannot hand an agent malformed amounts or addresses.</summary>
/// <param name="Peer">The account on the other side of the line (the issuer, for a holder).</param>
/// <param name="Currency">The currency code as the ledger prints it: three characters or 40 hex digits.</param>
/// <param name="Balance">The balance as a decimal string (negative: this account owes the peer).</param>
/// <param name="Limit">The most this account trusts the peer for.</param>
/// <param name="LimitPeer">The most the peer trusts this account for.</param>
/// <param name="QualityIn">Incoming quality (0: at face value).</param>
/// <param name="QualityOut">Outgoing quality (0: at face value).</param>
/// <param name="NoRipple">This side's no-ripple flag.</param>
/// <param name="NoRipplePeer">The peer's no-ripple flag.</param>
/// <param name="Authorized">This account authorized the peer to hold its currency.</param>
/// <param name="PeerAuthorized">The peer authorized this account.</param>
/// <param name="Freeze">This account froze the line.</param>
/// <param name="FreezePeer">The peer froze the line.</param>
public sealed record TrustLine(
    string Peer,
    string Currency,
    string Balance,
    string Limit,
    string LimitPeer,
    uint QualityIn,
    uint QualityOut,
    bool NoRipple,
    bool NoRipplePeer,
    bool Authorized,
    bool PeerAuthorized,
    bool Freeze,
    bool FreezePeer);

/// <summary>One page of trust lines and the marker for the next page (null at the end).</summary>
/// <param name="Lines">The lines of this page.</param>
/// <param name="Marker">The opaque marker to pass back, or null.</param>
public sealed record AccountLinesPage(IReadOnlyList<TrustLine> Lines, string? Marker);

/// <summary>One ledger object an account owns (account_objects): its type and id checked, and the fields an agent acts on checked by kind.</summary>
/// <param name="Type">The LedgerEntryType (Offer, Escrow, Check, PayChannel...).</param>
/// <param name="Index">The object's id (64 hex digits): what OfferCancel, CheckCash or PaymentChannelClaim name.</param>
/// <param name="Fields">The whole object as the server sent it, after the checks (strings still untrusted text).</param>
public sealed record AccountObject(string Type, string Index, JsonObject Fields);

/// <summary>One page of owned objects and the marker for the next page (null at the end).</summary>
/// <param name="Objects">The objects of this page.</param>
/// <param name="Marker">The opaque marker to pass back, or null.</param>
public sealed record AccountObjectsPage(IReadOnlyList<AccountObject> Objects, string? Marker);

/// <summary>One NFT an account holds (account_nfts), every field checked.</summary>
/// <param name="Id">The NFTokenID (64 hex digits).</param>
/// <param name="Issuer">The issuer's classic address.</param>
/// <param name="Taxon">The issuer's taxon.</param>
/// <param name="Serial">The token's serial.</param>
/// <param name="Flags">The token's flags (burnable, only XRP, transferable...).</param>
/// <param name="TransferFee">The issuer's fee on transfers, in 1/100000 (0 to 50000), when set.</param>
/// <param name="UriHex">The URI as hex, as the ledger holds it (anyone minting chooses it: untrusted), when set.</param>
public sealed record NonFungibleToken(string Id, string Issuer, uint Taxon, uint Serial, uint Flags, uint? TransferFee, string? UriHex);

/// <summary>One page of NFTs and the marker for the next page (null at the end).</summary>
/// <param name="Tokens">The NFTs of this page.</param>
/// <param name="Marker">The opaque marker to pass back, or null.</param>
public sealed record AccountNftsPage(IReadOnlyList<NonFungibleToken> Tokens, string? Marker);

/// <summary>
/// Reads the answers of account_lines, account_objects and account_nfts field by field: the server is not
/// trusted, so a field of the wrong shape refuses the whole answer (badResponse) instead of reaching an agent.
/// </summary>
internal static partial class AccountReads
{
    /// <summary>The longest marker accepted, from the agent or the server.</summary>
    internal const int MaxMarkerLength = 512;

    private static readonly string[] AddressFields = ["Account", "Destination", "Owner", "Issuer", "Authorize", "NFTokenMinter", "RegularKey"];
    private static readonly string[] AmountFields = ["Amount", "Balance", "SendMax", "TakerGets", "TakerPays", "DeliverMin", "HighLimit", "LowLimit"];
    private static readonly string[] WholeNumberFields = ["Flags", "Sequence", "Expiration", "FinishAfter", "CancelAfter", "SettleDelay", "DestinationTag", "SourceTag", "TicketSequence", "OwnerCount"];
    private static readonly string[] HashFields = ["index", "PreviousTxnID", "BookDirectory", "NFTokenID", "InvoiceID"];

    /// <summary>Whether <paramref name="marker"/> has the shape of a marker rippled pages with (hex, digits and commas).</summary>
    internal static bool IsMarker(string? marker) => marker is not null && MarkerText().IsMatch(marker);

    internal static AccountLinesPage Lines(JsonObject result, int limit)
    {
        var lines = Array(result, "lines", "account_lines", limit);
        var read = new List<TrustLine>(lines.Count);
        for (var index = 0; index < lines.Count; index++)
        {
            var field = $"account_lines.lines[{index}]";
            var line = lines[index] as JsonObject ?? throw Bad(field, "is not an object");
            var peer = Address(line["account"], field + ".account");
            read.Add(new TrustLine(
                peer,
                Currency(line["currency"], field + ".currency"),
                Value(line["balance"], field + ".balance", allowNegative: true),
                Value(line["limit"], field + ".limit", allowNegative: false),
                Value(line["limit_peer"], field + ".limit_peer", allowNegative: false),
                OptionalUInt(line["quality_in"], field + ".quality_in") ?? 0,
                OptionalUInt(line["quality_out"], field + ".quality_out") ?? 0,
                Flag(line["no_ripple"], field + ".no_ripple"),
                Flag(line["no_ripple_peer"], field + ".no_ripple_peer"),
                Flag(line["authorized"], field + ".authorized"),
                Flag(line["peer_authorized"], field + ".peer_authorized"),
                Flag(line["freeze"], field + ".freeze"),
                Flag(line["freeze_peer"], field + ".freeze_peer")));
        }

        return new AccountLinesPage(read, Marker(result["marker"], "account_lines.marker"));
    }

    internal static AccountObjectsPage Objects(JsonObject result, int limit)
    {
        var objects = Array(result, "account_objects", "account_objects", limit);
        var read = new List<AccountObject>(objects.Count);
        for (var index = 0; index < objects.Count; index++)
        {
            var field = $"account_objects[{index}]";
            var entry = objects[index] as JsonObject ?? throw Bad(field, "is not an object");
            var type = Text(entry["LedgerEntryType"], field + ".LedgerEntryType");
            if (!EntryTypeText().IsMatch(type))
            {
                throw Bad(field + ".LedgerEntryType", "is not a ledger entry type name");
            }

            foreach (var name in AddressFields.Where(entry.ContainsKey))
            {
                _ = Address(entry[name], $"{field}.{name}");
            }

            foreach (var name in AmountFields.Where(entry.ContainsKey))
            {
                Amount(entry[name], $"{field}.{name}", allowNegative: type == "RippleState");
            }

            foreach (var name in WholeNumberFields.Where(entry.ContainsKey))
            {
                _ = OptionalUInt(entry[name], $"{field}.{name}");
            }

            foreach (var name in HashFields.Where(entry.ContainsKey))
            {
                _ = Hash(entry[name], $"{field}.{name}");
            }

            var id = Hash(entry["index"], field + ".index");
            read.Add(new AccountObject(type, id, (JsonObject)entry.DeepClone()));
        }

        return new AccountObjectsPage(read, Marker(result["marker"], "account_objects.marker"));
    }

    internal static AccountNftsPage Nfts(JsonObject result, int limit)
    {
        var tokens = Array(result, "account_nfts", "account_nfts", limit);
        var read = new List<NonFungibleToken>(tokens.Count);
        for (var index = 0; index < tokens.Count; index++)
        {
            var field = $"account_nfts[{index}]";
            var token = tokens[index] as JsonObject ?? throw Bad(field, "is not an object");
            var transferFee = OptionalUInt(token["TransferFee"], field + ".TransferFee");
            if (transferFee > 50_000)
            {
                throw Bad(field + ".TransferFee", "is above 50000");
            }

            string? uri = null;
            if (token["URI"] is JsonNode uriNode)
            {
                uri = Text(uriNode, field + ".URI");
                if (uri.Length > 512 || uri.Length % 2 != 0 || !HexText().IsMatch(uri))
                {
                    throw Bad(field + ".URI", "is not hex of at most 256 bytes");
                }
            }

            read.Add(new NonFungibleToken(
                Hash(token["NFTokenID"], field + ".NFTokenID"),
                Address(token["Issuer"], field + ".Issuer"),
                OptionalUInt(token["NFTokenTaxon"], field + ".NFTokenTaxon") ?? throw Bad(field + ".NFTokenTaxon", "is missing"),
                OptionalUInt(token["nft_serial"], field + ".nft_serial") ?? throw Bad(field + ".nft_serial", "is missing"),
                OptionalUInt(token["Flags"], field + ".Flags") ?? 0,
                transferFee,
                uri));
        }

        return new AccountNftsPage(read, Marker(result["marker"], "account_nfts.marker"));
    }

    /// <summary>The request parameters of one page: the validated ledger, a bounded limit and the agent's marker.</summary>
    internal static JsonObject PageParameters(AccountId account, int limit, string? marker, int minimum)
    {
        if (limit < minimum || limit > LedgerClient.MaxPageLimit)
        {
            throw new InvalidInputException("limit", $"must be from {minimum} to {LedgerClient.MaxPageLimit}");
        }

        var parameters = new JsonObject { ["account"] = account.ToClassicAddress(), ["ledger_index"] = "validated", ["limit"] = limit };
        if (marker is not null)
        {
            parameters["marker"] = IsMarker(marker) ? marker : throw new InvalidInputException("marker", "must be the marker a previous page returned");
        }

        return parameters;
    }

    private static JsonArray Array(JsonObject result, string name, string method, int limit)
    {
        var array = result[name] as JsonArray ?? throw Bad($"{method}.{name}", "is missing or not a list");
        return array.Count <= limit ? array : throw Bad($"{method}.{name}", $"has more entries than the {limit} asked for");
    }

    private static string? Marker(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String && IsMarker(value.GetValue<string>()) => value.GetValue<string>(),
        _ => throw Bad(field, "is not a marker (hex, digits and commas)"),
    };

    private static string Text(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw Bad(field, "is missing or not a string");

    private static string Address(JsonNode? node, string field)
    {
        var text = Text(node, field);
        return AccountId.IsValidClassicAddress(text) ? text : throw Bad(field, "is not a classic address");
    }

    private static string Hash(JsonNode? node, string field)
    {
        var text = Text(node, field);
        return text.Length == 64 && HexText().IsMatch(text) ? text.ToUpperInvariant() : throw Bad(field, "is not 64 hex digits");
    }

    private static string Currency(JsonNode? node, string field)
    {
        try
        {
            return CurrencyCode.ParseIssued(Text(node, field), field).ToString();
        }
        catch (InvalidInputException)
        {
            throw Bad(field, "is not a currency code");
        }
    }

    private static string Value(JsonNode? node, string field, bool allowNegative)
    {
        var text = Text(node, field);
        IssuedValue value;
        try
        {
            value = IssuedValue.Parse(text, field);
        }
        catch (InvalidInputException)
        {
            throw Bad(field, "is not a decimal amount");
        }

        return !value.IsNegative || allowNegative ? text : throw Bad(field, "is negative");
    }

    private static void Amount(JsonNode? node, string field, bool allowNegative)
    {
        switch (node)
        {
            case JsonValue drops when drops.GetValueKind() == JsonValueKind.String:
                if (!ulong.TryParse(drops.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw Bad(field, "is not a whole number of drops");
                }

                break;
            case JsonObject issued when issued.ContainsKey("mpt_issuance_id"):
                _ = Text(issued["mpt_issuance_id"], field + ".mpt_issuance_id");
                _ = Value(issued["value"], field + ".value", allowNegative);
                break;
            case JsonObject issued:
                _ = Currency(issued["currency"], field + ".currency");
                _ = Address(issued["issuer"], field + ".issuer");
                _ = Value(issued["value"], field + ".value", allowNegative);
                break;
            default:
                throw Bad(field, "is not an amount");
        }
    }

    private static uint? OptionalUInt(JsonNode? node, string field) =>
        node is null ? null : LedgerClient.ReadUInt(node, field);

    private static bool Flag(JsonNode? node, string field) => node switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw Bad(field, "is not true or false"),
    };

    private static LedgerException Bad(string field, string rule) => new("badResponse", $"{field} {rule}");

    [GeneratedRegex("^[0-9A-Za-z,]{1,512}$", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerText();

    [GeneratedRegex("^[A-Za-z]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryTypeText();

    [GeneratedRegex("^[0-9A-Fa-f]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HexText();
}
