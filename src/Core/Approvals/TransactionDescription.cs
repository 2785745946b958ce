using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Policy.Effects;
using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// Describes a transaction in words for the person who approves it: amounts in XRP or in the issued currency
/// with its issuer, the destination and its tag, the fee and the network, memos decoded and marked untrusted,
/// and warnings for what most often hides a trick (a new destination, a missing tag, a partial payment, a
/// key or signer change).
/// </summary>
public static class TransactionDescription
{
    private const uint PartialPaymentFlag = 0x0002_0000;
    private const int MaximumUntrustedLength = 200;

    private static readonly string[] AmountFields =
    [
        "Amount", "SendMax", "DeliverMin", "TakerGets", "TakerPays", "Amount2", "LPTokenOut", "LPTokenIn", "EPrice", "LimitAmount",
    ];

    private static readonly string[] MemoParts = ["MemoType", "MemoFormat", "MemoData"];

    private static readonly HashSet<string> ShownFields = new(StringComparer.Ordinal)
    {
        "TransactionType", "Account", "Destination", "DestinationTag", "Fee", "Sequence", "Memos", "SigningPubKey", "TxnSignature",
        "RawTransactions",
    };

    private static readonly HashSet<string> KeyChangingTypes = new(StringComparer.Ordinal)
    {
        "SetRegularKey", "SignerListSet", "AccountDelete",
    };

    /// <summary>Summarizes <paramref name="transaction"/> to be signed by <paramref name="walletName"/> on <paramref name="network"/>.</summary>
    public static ApprovalSummary Describe(JsonObject transaction, string network, string walletName, PolicyDecision? decision)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var type = Text(transaction["TransactionType"]) ?? "(no TransactionType)";
        var lines = new List<string>
        {
            "Network: " + network,
            "Wallet: " + walletName + " (" + (Text(transaction["Account"]) ?? "account not set") + ")",
            "Type: " + type,
        };
        foreach (var field in AmountFields)
        {
            if (transaction[field] is JsonNode amount)
            {
                lines.Add(field + ": " + DescribeAmount(amount));
            }
        }

        if (Text(transaction["Destination"]) is { } destination)
        {
            lines.Add("Destination: " + destination);
            lines.Add("Destination tag: " + (transaction["DestinationTag"]?.ToJsonString() ?? "none"));
        }

        lines.Add("Fee: " + (transaction["Fee"] is JsonNode fee ? DescribeAmount(fee) : "filled from the ledger, within the policy's maximum"));
        if (transaction["Sequence"] is JsonNode sequence)
        {
            lines.Add("Sequence: " + sequence.ToJsonString());
        }

        // Every other field is shown too (RegularKey, SignerEntries, Flags, conditions, offer ids...): a human
        // must never approve a field they cannot see.
        foreach (var (name, value) in transaction)
        {
            if (!ShownFields.Contains(name) && !AmountFields.Contains(name))
            {
                lines.Add(name + ": " + Printable(value?.ToJsonString() ?? "null"));
            }
        }

        if (decision?.Effects is { } effects)
        {
            AddEffectLines(lines, effects, "");
        }

        var warnings = new List<string>();
        if (decision is not null)
        {
            warnings.AddRange(decision.Reasons.Select(reason => reason.Message));
        }

        if (type == "Payment" && (Flags(transaction) & PartialPaymentFlag) != 0)
        {
            warnings.Add("partial payment flag set: the destination may receive far less than Amount");
        }

        if (type == "Batch")
        {
            warnings.Add("Batch: every inner transaction below is signed at once; read each one");
        }

        if (KeyChangingTypes.Contains(type) || (type == "AccountSet" && (transaction["SetFlag"] is not null || transaction["ClearFlag"] is not null)))
        {
            warnings.Add(type + " can change who controls this account");
        }

        return new ApprovalSummary(
            "Sign " + type + " on " + network + " with wallet " + walletName,
            lines,
            [.. warnings.Distinct(StringComparer.Ordinal)],
            Memos(transaction));
    }

    // What the effect model read, in words: the human approves what the policy counted, including what only the
    // ledger knows (an offer's price, a channel's destination) and every inner transaction of a Batch in full.
    private static void AddEffectLines(List<string> lines, TransactionEffects effects, string indent)
    {
        var moves = new List<string>();
        if (effects.Value.XrpDrops > 0)
        {
            moves.Add(effects.Value.AmountOf(AssetKey.Xrp).ToString(CultureInfo.InvariantCulture) + " XRP (fee included)");
        }

        moves.AddRange(effects.Value.Tokens.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Value.ToString(CultureInfo.InvariantCulture) + " " + pair.Key));
        lines.Add(indent + "Can move (as the policy counts it): " + (moves.Count == 0 ? "nothing but the fee" : string.Join("; ", moves)));
        foreach (var party in effects.Counterparties)
        {
            var what = party.Role switch
            {
                CounterpartyRole.Recipient => "Value goes to: ",
                CounterpartyRole.Authority => "Gains authority over this account: ",
                _ => "Names account: ",
            };
            lines.Add(indent + what + party.Address + " (" + party.Field + ")");
        }

        foreach (var item in effects.ReferencedObjects)
        {
            lines.Add(indent + "Ledger object " + item.Field + " " + Printable(item.Id) + ": "
                + Printable(item.Description ?? ("could not be read: " + item.Problem)));
        }

        foreach (var text in effects.NotCounted)
        {
            lines.Add(indent + "Not counted (does not leave the account): " + Printable(text));
        }

        foreach (var change in effects.KeyChanges)
        {
            lines.Add(indent + "Key change: " + change);
        }

        for (var i = 0; i < effects.Inner.Count; i++)
        {
            var inner = effects.Inner[i];
            lines.Add(indent + $"Inner transaction {i + 1} of {effects.Inner.Count}: {inner.TransactionType} for {Text(inner.Transaction["Account"]) ?? "?"}");
            foreach (var (name, value) in inner.Transaction)
            {
                if (name is not "TransactionType" and not "Account")
                {
                    lines.Add(indent + "  " + name + ": " + (AmountFields.Contains(name) && value is not null ? DescribeAmount(value) : Printable(value?.ToJsonString() ?? "null")));
                }
            }

            AddEffectLines(lines, inner, indent + "  ");
        }
    }

    /// <summary>An amount in words: drops as XRP, issued currencies with their issuer, MPTs with their issuance.</summary>
    public static string DescribeAmount(JsonNode amount)
    {
        ArgumentNullException.ThrowIfNull(amount);
        if (amount is JsonValue)
        {
            var drops = amount.GetValue<string>();
            return XrpAmount.ParseDrops(drops, "amount", allowZero: true).ToXrpString() + " XRP (" + drops + " drops)";
        }

        var value = Text(amount["value"]) ?? "?";
        if (Text(amount["mpt_issuance_id"]) is { } issuance)
        {
            return value + " of MPT " + issuance;
        }

        return value + " " + (Text(amount["currency"]) ?? "?") + " issued by " + (Text(amount["issuer"]) ?? "?");
    }

    private static uint Flags(JsonObject transaction)
    {
        if (transaction["Flags"] is not JsonValue flags)
        {
            return 0;
        }

        // A JSON number may be held as any integer type (parsed, or set from C#); read it as the widest.
        return flags.TryGetValue<long>(out var wide) || long.TryParse(flags.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out wide)
            ? unchecked((uint)wide)
            : 0;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<string> Memos(JsonObject transaction)
    {
        var memos = new List<string>();
        if (transaction["Memos"] is not JsonArray array)
        {
            return memos;
        }

        foreach (var item in array)
        {
            var memo = item?["Memo"];
            var parts = MemoParts
                .Select(name => Text(memo?[name]) is { } hex ? name + "=" + Decode(hex) : null)
                .Where(part => part is not null);
            memos.Add("memo: " + string.Join(", ", parts));
        }

        return memos;
    }

    /// <summary>
    /// Text cut to a bounded length, with every invisible or line-moving character (controls, U+2028/U+2029, bidi
    /// and other format characters) shown as its code point by <see cref="VisibleText"/>, for a terminal or a form.
    /// </summary>
    private static string Printable(string text)
    {
        var visible = VisibleText.Of(text.Length > MaximumUntrustedLength ? text[..MaximumUntrustedLength] : text);
        return text.Length > MaximumUntrustedLength
            ? visible + " (cut at " + MaximumUntrustedLength.ToString(CultureInfo.InvariantCulture) + " characters)"
            : visible;
    }

    /// <summary>Hex memo text decoded as UTF-8 and made printable, in quotes.</summary>
    private static string Decode(string hex)
    {
        try
        {
            return "\"" + Printable(Encoding.UTF8.GetString(Convert.FromHexString(hex))) + "\"";
        }
        catch (FormatException)
        {
            return "(not hex)";
        }
    }
}
