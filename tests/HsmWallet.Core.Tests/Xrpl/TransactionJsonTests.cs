using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Core.Tests.Xrpl;

/// <summary>A transaction's JSON means one thing: a key given twice is refused, wherever it stands.</summary>
public sealed class TransactionJsonTests
{
    [Theory]
    [InlineData("""{"TransactionType":"Payment","Amount":"1","Amount":"90000000000"}""", "tx")]
    [InlineData("""{"TransactionType":"Batch","RawTransactions":[{"RawTransaction":{"Destination":"rA","Destination":"rB"}}]}""", "tx.RawTransactions[0].RawTransaction")]
    [InlineData("""{"TransactionType":"Payment","Amount":{"currency":"USD","value":"1","value":"1000000"}}""", "tx.Amount")]
    public void A_key_given_twice_is_refused_naming_where(string json, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => TransactionJson.ParseObject(json, "tx"));

        Assert.Equal(field, error.Field);
        Assert.Contains("twice", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_is_not_a_plain_name_is_never_echoed_in_the_error()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            TransactionJson.ParseObject("{\"Memo\u202E\":{\"a\":1,\"a\":2}}", "tx"));

        Assert.Equal("tx.<key>", error.Field);
    }

    [Fact]
    public void Not_an_object_or_not_json_is_refused_with_the_field()
    {
        Assert.Equal("tx", Assert.Throws<InvalidInputException>(() => TransactionJson.ParseObject("[1]", "tx")).Field);
        Assert.Equal("tx", Assert.Throws<InvalidInputException>(() => TransactionJson.ParseObject("{\"a\":", "tx")).Field);
    }

    [Fact]
    public void Control_a_transaction_with_distinct_keys_reads_whole()
    {
        var tx = TransactionJson.ParseObject("""{"TransactionType":"Payment","Amount":"1","Destination":"rX","Memos":[{"Memo":{"MemoData":"AB"}}]}""", "tx");

        Assert.Equal("1", tx["Amount"]!.GetValue<string>());
        Assert.Equal("AB", tx["Memos"]![0]!["Memo"]!["MemoData"]!.GetValue<string>());
    }
}
