using System.Text.Json.Nodes;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>
/// Adds up what one transaction moves: per asset the largest of its outflow fields (Amount, SendMax and
/// DeliverMin of one payment are alternatives, not three payments), plus every amount drawn from a ledger object
/// or an inner transaction, which move on top.
/// </summary>
internal sealed class ValueTally
{
    private readonly Dictionary<string, decimal> _fieldTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _addedTokens = new(StringComparer.Ordinal);
    private ulong _fieldDrops;
    private ulong _addedDrops;

    /// <summary>Counts one outflow field.</summary>
    public void AddField(JsonNode amount, string field)
    {
        var (key, quantity, drops) = TransactionValue.ReadAmount(amount, field);
        if (key == AssetKey.Xrp)
        {
            _fieldDrops = Math.Max(_fieldDrops, drops);
        }
        else
        {
            _fieldTokens[key] = Math.Max(_fieldTokens.GetValueOrDefault(key), quantity);
        }
    }

    /// <summary>Counts an amount that moves on top of the fields (a sell offer's price, an account's whole balance).</summary>
    public void AddMoved(JsonNode amount, string field)
    {
        var (key, quantity, drops) = TransactionValue.ReadAmount(amount, field);
        if (key == AssetKey.Xrp)
        {
            _addedDrops = checked(_addedDrops + drops);
        }
        else
        {
            AddToken(key, quantity);
        }
    }

    /// <summary>Counts a whole asset unit that moves (an NFT).</summary>
    public void AddToken(string key, decimal quantity) => _addedTokens[key] = checked(_addedTokens.GetValueOrDefault(key) + quantity);

    /// <summary>Counts everything an inner transaction moves, its own fee included.</summary>
    public void AddInner(TransactionValue inner)
    {
        _addedDrops = checked(_addedDrops + inner.XrpDrops);
        foreach (var (key, quantity) in inner.Tokens)
        {
            AddToken(key, quantity);
        }
    }

    /// <summary>The total, with the fee added to XRP.</summary>
    public TransactionValue Build(ulong feeDrops)
    {
        var tokens = new Dictionary<string, decimal>(_fieldTokens, StringComparer.Ordinal);
        foreach (var (key, quantity) in _addedTokens)
        {
            tokens[key] = checked(tokens.GetValueOrDefault(key) + quantity);
        }

        return TransactionValue.Create(checked(_fieldDrops + _addedDrops), feeDrops, tokens);
    }
}
