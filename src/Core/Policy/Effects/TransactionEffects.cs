using System.Globalization;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>
/// The effect model's reading of one transaction: what it moves, to whom, from which ledger objects, whether it
/// changes who controls the account, what the model could not read, and (for a Batch) the same for every inner
/// transaction. The policy decides on it, the counters count it, and policy_check shows it.
/// </summary>
public sealed class TransactionEffects
{
    internal TransactionEffects(
        JsonObject transaction,
        string transactionType,
        bool modelled,
        TransactionValue value,
        IReadOnlyList<Counterparty> counterparties,
        IReadOnlyList<ReferencedObject> referencedObjects,
        IReadOnlyList<string> notCounted,
        IReadOnlyList<string> keyChanges,
        IReadOnlyList<PolicyReason> findings,
        IReadOnlyList<TransactionEffects> inner)
    {
        Transaction = transaction;
        TransactionType = transactionType;
        Modelled = modelled;
        Value = value;
        Counterparties = counterparties;
        ReferencedObjects = referencedObjects;
        NotCounted = notCounted;
        KeyChanges = keyChanges;
        Findings = findings;
        Inner = inner;
    }

    /// <summary>The transaction read (an inner transaction for an inner reading).</summary>
    public JsonObject Transaction { get; }

    /// <summary>Its TransactionType.</summary>
    public string TransactionType { get; }

    /// <summary>Whether the type has an effect model (an unmodelled type never allows).</summary>
    public bool Modelled { get; }

    /// <summary>Everything it moves, inner transactions and referenced objects included, with the fee.</summary>
    public TransactionValue Value { get; }

    /// <summary>The accounts this transaction itself names or reaches (inner transactions hold their own).</summary>
    public IReadOnlyList<Counterparty> Counterparties { get; }

    /// <summary>The ledger objects it draws from, as read.</summary>
    public IReadOnlyList<ReferencedObject> ReferencedObjects { get; }

    /// <summary>Amount fields the model reads as not leaving the account (a limit, what is received), in words.</summary>
    public IReadOnlyList<string> NotCounted { get; }

    /// <summary>How it changes who controls the account (empty when it does not).</summary>
    public IReadOnlyList<string> KeyChanges { get; }

    /// <summary>What the model itself requires: Approve for what it cannot read, Deny for what is never signed.</summary>
    public IReadOnlyList<PolicyReason> Findings { get; }

    /// <summary>A Batch's inner transactions, each read as if signed alone.</summary>
    public IReadOnlyList<TransactionEffects> Inner { get; }

    /// <summary>How many transactions this counts as against count limits: a Batch counts each inner one.</summary>
    public int Count => Inner.Count == 0 ? 1 : Inner.Count;

    /// <summary>This reading and every inner one, outer first.</summary>
    public IEnumerable<TransactionEffects> Flatten()
    {
        yield return this;
        foreach (var inner in Inner)
        {
            yield return inner;
        }
    }

    /// <summary>Every account value goes to, across inner transactions, each once.</summary>
    public IReadOnlyList<string> Recipients() =>
        [.. Flatten().SelectMany(reading => reading.Counterparties).Where(party => party.Role == CounterpartyRole.Recipient)
            .Select(party => party.Address).Distinct(StringComparer.Ordinal)];

    /// <summary>The reading as JSON for policy_check and the audit entry: assets, counterparties, objects, key changes.</summary>
    public JsonObject ToJson()
    {
        var assets = new JsonObject();
        if (Value.XrpDrops > 0)
        {
            assets[AssetKey.Xrp] = Value.AmountOf(AssetKey.Xrp).ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, quantity) in Value.Tokens.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            assets[key] = quantity.ToString(CultureInfo.InvariantCulture);
        }

        var json = new JsonObject
        {
            ["transaction_type"] = TransactionType,
            ["modelled"] = Modelled,
            ["moves"] = assets,
            ["fee_drops"] = Value.FeeDrops.ToString(CultureInfo.InvariantCulture),
            ["counterparties"] = new JsonArray([.. Counterparties.Select(party => (JsonNode)new JsonObject
            {
                ["address"] = party.Address,
                ["field"] = party.Field,
                ["role"] = party.Role.ToString().ToLowerInvariant(),
            })]),
            ["referenced_objects"] = new JsonArray([.. ReferencedObjects.Select(item => (JsonNode)new JsonObject
            {
                ["field"] = item.Field,
                ["kind"] = item.Kind.ToString(),
                ["id"] = item.Id,
                ["description"] = item.Description,
                ["problem"] = item.Problem,
            })]),
            ["not_counted"] = new JsonArray([.. NotCounted.Select(text => (JsonNode)JsonValue.Create(text))]),
            ["key_changes"] = new JsonArray([.. KeyChanges.Select(text => (JsonNode)JsonValue.Create(text))]),
        };
        if (Inner.Count > 0)
        {
            json["inner_transactions"] = new JsonArray([.. Inner.Select(inner => (JsonNode)inner.ToJson())]);
        }

        return json;
    }
}
