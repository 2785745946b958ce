using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Definitions;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>
/// Reads a transaction through its type's effect model: every field by its role, every referenced ledger object
/// from the readings taken at preparation, every inner transaction of a Batch as if signed alone. What the model
/// does not name or cannot read becomes a finding that needs a human; nothing unknown passes as harmless.
/// </summary>
public static class EffectReader
{
    /// <summary>The most inner transactions a Batch may carry (the ledger's own limit).</summary>
    public const int MaxInnerTransactions = 8;

    private const uint LsfSellNFToken = 0x0000_0001;

    // Plain scalars carry no value and name no account, so a type's format may hold them without the model naming them.
    private static readonly FrozenSet<string> ScalarTypes = FrozenSet.ToFrozenSet(
        ["UInt8", "UInt16", "UInt32", "Int32", "Blob"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> AlwaysPresent = FrozenSet.ToFrozenSet(
        ["TransactionType", "Flags", "Sequence", "LastLedgerSequence", "SourceTag", "TicketSequence", "NetworkID", "SigningPubKey", "TxnSignature"],
        StringComparer.Ordinal);

    private static readonly FrozenDictionary<LedgerObjectKind, string> EntryTypes = new Dictionary<LedgerObjectKind, string>
    {
        [LedgerObjectKind.NFTokenSellOffer] = "NFTokenOffer",
        [LedgerObjectKind.NFTokenBuyOffer] = "NFTokenOffer",
        [LedgerObjectKind.PayChannel] = "PayChannel",
        [LedgerObjectKind.Check] = "Check",
        [LedgerObjectKind.Vault] = "Vault",
        [LedgerObjectKind.LoanBroker] = "LoanBroker",
        [LedgerObjectKind.Loan] = "Loan",
        [LedgerObjectKind.OwnAccountRoot] = "AccountRoot",
    }.ToFrozenDictionary();

    /// <summary>The ledger lookups the decision on <paramref name="transaction"/> needs, inner transactions included, each once.</summary>
    public static IReadOnlyList<LedgerObjectRequest> RequestsFor(JsonObject transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var requests = new Dictionary<string, LedgerObjectRequest>(StringComparer.Ordinal);
        foreach (var (tx, _) in WithInner(transaction))
        {
            if (EffectModel.For(TypeOf(tx)) is not { } model)
            {
                continue;
            }

            foreach (var reference in model.References)
            {
                if (Request(tx, reference) is { } request)
                {
                    requests.TryAdd(request.Key, request);
                }
            }
        }

        return [.. requests.Values];
    }

    /// <summary>Reads <paramref name="transaction"/> for <paramref name="account"/> with the ledger objects in <paramref name="readings"/>.</summary>
    public static TransactionEffects Read(JsonObject transaction, AccountId account, LedgerReadings readings)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(readings);
        return Read(transaction, account, readings, nested: false, "");
    }

    private static TransactionEffects Read(JsonObject transaction, AccountId account, LedgerReadings readings, bool nested, string path)
    {
        var type = TypeOf(transaction);
        var model = EffectModel.For(type);
        var tally = new ValueTally();
        var parties = new List<Counterparty>();
        var referenced = new List<ReferencedObject>();
        var notCounted = new List<string>();
        var keyChanges = new List<string>();
        var findings = new List<PolicyReason>();
        var inner = new List<TransactionEffects>();
        var where = path.Length == 0 ? type : path.TrimEnd('.') + " (" + type + ")";

        if (model is null)
        {
            findings.Add(Approve("unmodelled_type", $"{where} has no effect model, so the policy cannot tell what it moves; a human must read it"));
        }
        else
        {
            if (model.Refused is { } refused)
            {
                findings.Add(Deny("refused_type", $"{where} is never signed: {refused}"));
            }

            if (model.NeedsHuman is { } needsHuman)
            {
                findings.Add(Approve("needs_human", $"{where}: {needsHuman}"));
            }

            if (model.KeyChange(transaction) is { } keyChange)
            {
                keyChanges.Add(keyChange);
            }
        }

        var format = XrplDefinitions.Instance.TransactionFormats.GetValueOrDefault(type);
        var common = XrplDefinitions.Instance.TransactionFormats.GetValueOrDefault("common");
        var hasDestinationTag = transaction.ContainsKey("DestinationTag");
        foreach (var (name, node) in transaction)
        {
            if (node is null || AlwaysPresent.Contains(name))
            {
                continue;
            }

            var field = path + name;
            if (!XrplDefinitions.Instance.FieldsByName.TryGetValue(name, out var definition))
            {
                findings.Add(Approve("unmodelled_field", $"{field} is not an XRPL field this wallet knows"));
                continue;
            }

            FieldRole role;
            if (EffectModel.CommonFields.TryGetValue(name, out var commonRole))
            {
                role = commonRole;
            }
            else if (model is not null && model.Fields.TryGetValue(name, out var modelRole))
            {
                role = modelRole;
            }
            else if (model is null)
            {
                // No model: count conservatively, so the human sees and the counters hold everything it could move.
                role = definition.TypeName switch
                {
                    "Amount" => FieldRole.Outflow,
                    "AccountID" or "STArray" or "STObject" or "XChainBridge" => FieldRole.Recipient,
                    _ => FieldRole.Neutral,
                };
            }
            else
            {
                var inFormat = (format?.Contains(name) ?? false) || (common?.Contains(name) ?? false);
                if (!inFormat || !ScalarTypes.Contains(definition.TypeName))
                {
                    findings.Add(Approve("unmodelled_field", inFormat
                        ? $"{field} ({definition.TypeName}) is not named by the effect model of {type}"
                        : $"{field} is not a field of {type}"));
                }

                continue;
            }

            switch (role)
            {
                case FieldRole.Outflow when definition.TypeName == "Amount":
                    tally.AddField(node, field);
                    break;
                case FieldRole.Outflow:
                    findings.Add(Approve("unmodelled_field", $"{field} moves value the policy cannot count"));
                    break;
                case FieldRole.NotMoved when definition.TypeName == "Amount":
                    var (key, quantity, _) = TransactionValue.ReadAmount(node, field);
                    notCounted.Add(field + ": " + quantity.ToString(CultureInfo.InvariantCulture) + " " + key);
                    break;
                case FieldRole.Recipient or FieldRole.Party or FieldRole.Authority:
                    AddAccounts(parties, node, field, name, ToCounterpartyRole(role), hasDestinationTag);
                    break;
                case FieldRole.NeedsHuman:
                    findings.Add(Approve("needs_human", $"{field} is set: the policy does not model what it lets happen, so a human must look"));
                    break;
                default:
                    break;
            }
        }

        if (model?.Wraps == true)
        {
            if (nested)
            {
                findings.Add(Deny("batch_nesting", $"{where} is inside another Batch; nesting is refused"));
            }
            else
            {
                foreach (var (tx, innerPath) in InnerTransactions(transaction))
                {
                    if (TypeOf(tx) == type)
                    {
                        findings.Add(Deny("batch_nesting", $"{innerPath} is a Batch inside a Batch; nesting is refused"));
                        continue;
                    }

                    var reading = Read(tx, account, readings, nested: true, innerPath + ".");
                    if (AccountOf(tx, innerPath) != account)
                    {
                        findings.Add(Approve("batch_other_account", $"{innerPath} is for another account ({Text(tx["Account"])}); a human must approve it"));
                    }

                    tally.AddInner(reading.Value);
                    inner.Add(reading);
                }
            }
        }

        if (model is not null)
        {
            foreach (var reference in model.References)
            {
                if (Request(transaction, reference) is not { } request)
                {
                    continue;
                }

                var reading = readings.Get(request);
                var id = request.Parameters.First().Value!.GetValue<string>();
                var problem = reading.Node is null ? reading.Problem ?? "the ledger answered nothing" : Check(reading.Node, reference.Kind, request);
                if (problem is not null)
                {
                    referenced.Add(new ReferencedObject(path + reference.Field, reference.Kind, id, null, problem));
                    findings.Add(Approve("ledger_object", $"{path}{reference.Field} points at a {EntryTypes[reference.Kind]} that could not be read ({problem}), so a human must check what it moves"));
                    continue;
                }

                var description = Interpret(reading.Node!, transaction, reference, account, path, tally, parties, findings);
                referenced.Add(new ReferencedObject(path + reference.Field, reference.Kind, id, description, null));
            }
        }

        var fee = transaction["Fee"] is JsonNode feeNode ? XrpAmount.ParseDrops(feeNode.GetValue<string>(), path + "Fee", allowZero: true).Drops : 0UL;
        return new TransactionEffects(transaction, type, model is not null, tally.Build(fee), parties, referenced, notCounted, keyChanges, findings, inner);
    }

    private static string Interpret(
        JsonObject node, JsonObject transaction, ObjectReference reference, AccountId account, string path, ValueTally tally, List<Counterparty> parties, List<PolicyReason> findings)
    {
        var type = TypeOf(transaction);
        var field = path + reference.Field;
        switch (reference.Kind)
        {
            case LedgerObjectKind.NFTokenSellOffer:
                {
                    var price = node["Amount"] ?? throw new InvalidInputException(field, "the offer has no Amount");
                    tally.AddMoved(price, field + ".Amount");
                    var owner = AddAccount(parties, node["Owner"], field + ".Owner", CounterpartyRole.Recipient);
                    ReservedFor(node, account, field, findings);
                    return $"accepts sell offer: pays {Describe(price)} to {owner} for NFT {Text(node["NFTokenID"])}";
                }

            case LedgerObjectKind.NFTokenBuyOffer:
                {
                    var token = Text(node["NFTokenID"]) ?? throw new InvalidInputException(field, "the offer names no NFTokenID");
                    tally.AddToken(AssetKey.Nft(token), 1m);
                    var owner = AddAccount(parties, node["Owner"], field + ".Owner", CounterpartyRole.Recipient);
                    ReservedFor(node, account, field, findings);
                    return $"accepts buy offer: gives NFT {token} to {owner} for {(node["Amount"] is { } amount ? Describe(amount) : "nothing")}";
                }

            case LedgerObjectKind.PayChannel:
                {
                    var source = AccountAt(node["Account"], field + ".Account");
                    if (source == account)
                    {
                        var destination = AddAccount(parties, node["Destination"], field + ".Destination", CounterpartyRole.Recipient);
                        return $"channel from this wallet to {destination}: {DescribeOrNone(node["Amount"])} locked, {DescribeOrNone(node["Balance"])} paid out";
                    }

                    var from = AddAccount(parties, node["Account"], field + ".Account", CounterpartyRole.Party);
                    return $"channel from {from} to {Text(node["Destination"])}: {DescribeOrNone(node["Amount"])} locked, {DescribeOrNone(node["Balance"])} paid out";
                }

            case LedgerObjectKind.Check:
                {
                    var sender = AddAccount(parties, node["Account"], field + ".Account", CounterpartyRole.Party);
                    if (AccountAt(node["Destination"], field + ".Destination") != account)
                    {
                        findings.Add(Approve("ledger_object", $"{field}: the check is addressed to {Text(node["Destination"])}, not to this wallet"));
                    }

                    return $"check from {sender} for up to {DescribeOrNone(node["SendMax"])}";
                }

            case LedgerObjectKind.Vault:
                {
                    var role = type == "VaultDeposit" ? CounterpartyRole.Recipient : CounterpartyRole.Party;
                    var owner = AddAccount(parties, node["Owner"], field + ".Owner", role);
                    return $"vault owned by {owner} holding {node["Asset"]?.ToJsonString() ?? "an unnamed asset"}";
                }

            case LedgerObjectKind.LoanBroker:
                {
                    var owner = AddAccount(parties, node["Owner"], field + ".Owner", CounterpartyRole.Recipient);
                    return $"loan broker owned by {owner}";
                }

            case LedgerObjectKind.Loan:
                {
                    var borrower = AddAccount(parties, node["Borrower"], field + ".Borrower", CounterpartyRole.Party);
                    return $"loan from broker {Text(node["LoanBrokerID"])} to {borrower}";
                }

            case LedgerObjectKind.OwnAccountRoot:
                {
                    var balance = node["Balance"] ?? throw new InvalidInputException(field, "the account root has no Balance");
                    tally.AddMoved(balance, path + "Balance");
                    return $"the whole balance of this wallet, {Describe(balance)}, goes to {Text(transaction["Destination"]) ?? "Destination"}";
                }

            default:
                throw new InvalidInputException(field, "has a ledger object kind the model cannot read");
        }
    }

    private static void ReservedFor(JsonObject offer, AccountId account, string field, List<PolicyReason> findings)
    {
        if (offer["Destination"] is JsonNode destination && AccountAt(destination, field + ".Destination") != account)
        {
            findings.Add(Approve("ledger_object", $"{field}: the offer is reserved for {Text(destination)}, not this wallet"));
        }
    }

    private static string? Check(JsonObject node, LedgerObjectKind kind, LedgerObjectRequest request)
    {
        if (Text(node["LedgerEntryType"]) != EntryTypes[kind])
        {
            return $"the ledger holds a {Text(node["LedgerEntryType"]) ?? "nameless object"} there, not a {EntryTypes[kind]}";
        }

        if (request.Parameters["index"] is JsonNode index && Text(node["index"]) is { } answered
            && !string.Equals(answered, index.GetValue<string>(), StringComparison.OrdinalIgnoreCase))
        {
            return "the ledger answered for another object";
        }

        // A number may be held as any integer type (parsed from the ledger's JSON, or set in code): read its text.
        var flags = node["Flags"] is JsonValue value && long.TryParse(value.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var wide)
            ? unchecked((uint)wide)
            : 0u;
        return kind switch
        {
            LedgerObjectKind.NFTokenSellOffer when (flags & LsfSellNFToken) == 0 => "it is a buy offer, not a sell offer",
            LedgerObjectKind.NFTokenBuyOffer when (flags & LsfSellNFToken) != 0 => "it is a sell offer, not a buy offer",
            _ => null,
        };
    }

    private static LedgerObjectRequest? Request(JsonObject transaction, ObjectReference reference)
    {
        if (transaction[reference.Field] is not JsonNode node)
        {
            return null;
        }

        if (reference.Kind == LedgerObjectKind.OwnAccountRoot)
        {
            var address = AccountOf(transaction, "").ToClassicAddress();
            return new LedgerObjectRequest("account_root:" + address, reference.Kind, new JsonObject { ["account_root"] = address });
        }

        var id = Text(node) ?? throw new InvalidInputException(reference.Field, "must be a ledger object id (64 hex digits)");
        if (id.Length != 64 || !id.All(char.IsAsciiHexDigit))
        {
            throw new InvalidInputException(reference.Field, "must be a ledger object id (64 hex digits)");
        }

        id = id.ToUpperInvariant();
        return new LedgerObjectRequest("index:" + id, reference.Kind, new JsonObject { ["index"] = id });
    }

    private static IEnumerable<(JsonObject Transaction, string Path)> WithInner(JsonObject transaction)
    {
        yield return (transaction, "");
        if (EffectModel.For(TypeOf(transaction))?.Wraps == true)
        {
            foreach (var inner in InnerTransactions(transaction))
            {
                yield return inner;
            }
        }
    }

    private static List<(JsonObject Transaction, string Path)> InnerTransactions(JsonObject batch)
    {
        if (batch["RawTransactions"] is not JsonArray raw)
        {
            throw new InvalidInputException("RawTransactions", "is required and must be an array of {\"RawTransaction\": {...}}");
        }

        if (raw.Count > MaxInnerTransactions)
        {
            throw new InvalidInputException("RawTransactions", $"must hold at most {MaxInnerTransactions} inner transactions");
        }

        var list = new List<(JsonObject, string)>();
        for (var i = 0; i < raw.Count; i++)
        {
            var path = $"RawTransactions[{i}]";
            if (raw[i] is not JsonObject wrapper || wrapper.Count != 1 || wrapper["RawTransaction"] is not JsonObject inner)
            {
                throw new InvalidInputException(path, "must be {\"RawTransaction\": {...}}");
            }

            list.Add((inner, path));
        }

        return list;
    }

    private static void AddAccounts(List<Counterparty> parties, JsonNode node, string field, string name, CounterpartyRole role, bool hasDestinationTag)
    {
        switch (node)
        {
            case JsonValue:
                var account = AccountId.Parse(node.GetValue<string>(), field, out var tag);
                parties.Add(new Counterparty(account.ToClassicAddress(), field, role, name == "Destination" && (hasDestinationTag || tag is not null)));
                break;
            case JsonObject obj:
                foreach (var (childName, child) in obj)
                {
                    if (child is not null && (IsAccountField(childName) || child is JsonObject or JsonArray))
                    {
                        AddAccounts(parties, child, field + "." + childName, childName, role, hasDestinationTag: false);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        AddAccounts(parties, item, $"{field}[{i}]", name, role, hasDestinationTag: false);
                    }
                }

                break;
        }
    }

    private static bool IsAccountField(string name) =>
        XrplDefinitions.Instance.FieldsByName.TryGetValue(name, out var definition) && definition.TypeName == "AccountID";

    private static string AddAccount(List<Counterparty> parties, JsonNode? node, string field, CounterpartyRole role)
    {
        var address = AccountAt(node, field).ToClassicAddress();
        parties.Add(new Counterparty(address, field, role, HasDestinationTag: false));
        return address;
    }

    private static AccountId AccountAt(JsonNode? node, string field) =>
        AccountId.Parse(Text(node) ?? throw new InvalidInputException(field, "is missing from the ledger object"), field, out _);

    private static AccountId AccountOf(JsonObject transaction, string path) =>
        AccountId.Parse(Text(transaction["Account"]) ?? throw new InvalidInputException(path + (path.Length == 0 ? "" : ".") + "Account", "is required"), path + "Account", out _);

    private static string TypeOf(JsonObject transaction) =>
        Text(transaction["TransactionType"]) ?? throw new InvalidInputException("TransactionType", "is required");

    private static CounterpartyRole ToCounterpartyRole(FieldRole role) => role switch
    {
        FieldRole.Recipient => CounterpartyRole.Recipient,
        FieldRole.Authority => CounterpartyRole.Authority,
        _ => CounterpartyRole.Party,
    };

    private static string Describe(JsonNode amount) => TransactionDescription.DescribeAmount(amount);

    private static string DescribeOrNone(JsonNode? amount) => amount is null ? "nothing" : Describe(amount);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static PolicyReason Approve(string rule, string message) => new(rule, message, PolicyDecisionKind.Approve);

    private static PolicyReason Deny(string rule, string message) => new(rule, message, PolicyDecisionKind.Deny);
}
