using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;

namespace HsmWallet.Core.Tests.Approvals;

/// <summary>
/// What a human reads cannot be redrawn by the agent or the ledger: line and paragraph separators, bidi controls and
/// every other invisible character reach no approval summary except as a visible code point.
/// </summary>
public sealed class VisibleTextTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    // A fake "Amount:" line behind a line separator, text reversed by a bidi override, and the rest of the family.
    private const string Forged = "ok\u2028Amount: 1 XRP (1000000 drops)\u2029\u202Eevil\u202C\u2066\u2069\u200E\u200F\u061C\u200B\uFEFF\r\n\t\u001b[2J\u0085";

    private const string InvisibleCharacters =
        "\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u200B\uFEFF\r\n\t\u001b\u0085\u00AD";

    private static readonly System.Buffers.SearchValues<char> Invisible = System.Buffers.SearchValues.Create(InvisibleCharacters);

    private static void AssertNothingInvisible(string text)
    {
        Assert.Equal(-1, text.AsSpan().IndexOfAny(Invisible));
        Assert.DoesNotContain(text.EnumerateRunes(), rune => VisibleText.IsHidden(rune));
    }

    private static void AssertNothingInvisible(ApprovalSummary summary)
    {
        foreach (var part in new[] { summary.Title }.Concat(summary.Lines).Concat(summary.Warnings).Concat(summary.UntrustedData))
        {
            AssertNothingInvisible(part);
        }

        AssertNothingInvisible(summary.ToText().Replace(Environment.NewLine, " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_invisible_or_line_moving_character_is_shown_as_its_code_point()
    {
        foreach (var character in InvisibleCharacters)
        {
            Assert.Equal($"a<U+{(int)character:X4}>b", VisibleText.Of($"a{character}b"));
        }

        Assert.Equal("<U+E0041>", VisibleText.Of(char.ConvertFromUtf32(0xE0041))); // a tag character (Cf, astral)
        Assert.Equal("<U+D800>x", VisibleText.Of("\uD800x")); // an unpaired surrogate
    }

    [Fact]
    public void Ordinary_text_is_kept_and_escaping_twice_changes_nothing()
    {
        const string plain = "Payment of 1.5 XRP to caf\u00e9 \u65e5\u672c \U0001F600 <b>";
        const string ascii = "Payment of 1.5 XRP";
        Assert.Same(ascii, VisibleText.Of(ascii));
        Assert.Equal(plain, VisibleText.Of(plain));
        var once = VisibleText.Of(Forged);
        Assert.Equal(once, VisibleText.Of(once));
        Assert.Contains("ok<U+2028>Amount:", once, StringComparison.Ordinal);
        Assert.Contains("<U+202E>evil", once, StringComparison.Ordinal);
    }

    [Fact]
    public void A_memo_with_a_line_separator_or_a_bidi_override_reaches_no_summary_raw()
    {
        var transaction = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
            ["Destination"] = Destination,
            ["Amount"] = "1000",
            ["Memos"] = new JsonArray(new JsonObject
            {
                ["Memo"] = new JsonObject
                {
                    ["MemoType"] = Convert.ToHexString(Encoding.UTF8.GetBytes("text\u202Eplain")),
                    ["MemoData"] = Convert.ToHexString(Encoding.UTF8.GetBytes(Forged)),
                },
            }),
        };

        var summary = TransactionDescription.Describe(transaction, "testnet", "main", decision: null);

        AssertNothingInvisible(summary);
        var memo = Assert.Single(summary.UntrustedData);
        Assert.Contains("ok<U+2028>Amount: 1 XRP", memo, StringComparison.Ordinal);
        Assert.Single(summary.ToText().Split('\n'), line => line.TrimStart().StartsWith("Amount:", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_in_fields_beside_the_destination_and_its_tag_reaches_no_summary_raw()
    {
        var transaction = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\u2028Amount: 1 XRP",
            ["Destination"] = Destination + "\u2028Destination tag: 12345",
            ["DestinationTag"] = 7,
            ["InvoiceID"] = "\u2029Amount: 1 XRP\u202E",
            ["Amount"] = new JsonObject { ["currency"] = "USD\u2028", ["issuer"] = Destination + "\u202E", ["value"] = "1\u2028" },
        };

        var summary = TransactionDescription.Describe(transaction, "testnet", "main\u202E", decision: null);

        AssertNothingInvisible(summary);
        Assert.Contains(summary.Lines, line => line == $"Destination: {Destination}<U+2028>Destination tag: 12345");
        Assert.Contains(summary.Lines, line => line.StartsWith("InvoiceID: ", StringComparison.Ordinal) && line.Contains("Amount: 1 XRP", StringComparison.Ordinal));
        Assert.Contains(summary.Lines, line => line.StartsWith("Amount: 1<U+2028> USD<U+2028> issued by", StringComparison.Ordinal));
    }

    [Fact]
    public void A_summary_read_back_from_a_stored_approval_is_made_visible_again()
    {
        var stored = new JsonObject
        {
            ["title"] = "Sign Payment\u2028Amount: 1 XRP",
            ["lines"] = new JsonArray("Amount: 20000 XRP\u202E"),
            ["warnings"] = new JsonArray("\u2066hidden\u2069"),
            ["untrusted_data"] = new JsonArray("memo: \"\u2029\""),
        };

        var summary = ApprovalSummary.FromJson(stored);

        AssertNothingInvisible(summary);
        Assert.Equal("Sign Payment<U+2028>Amount: 1 XRP", summary.Title);
    }

    [Fact]
    public void An_error_message_with_a_line_separator_is_made_visible()
    {
        var error = new InvalidInputException("tx.Memo\u2028Amount: 1 XRP", "is not an argument");

        var shown = VisibleText.Of(error.Message);

        Assert.Equal("tx.Memo<U+2028>Amount: 1 XRP: is not an argument", shown);
    }
}
