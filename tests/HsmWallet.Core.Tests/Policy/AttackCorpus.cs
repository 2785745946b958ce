using System.Text.Json.Nodes;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>
/// An attacker's transactions, written to move value or control past the policy: other value fields, other
/// destination fields, wrapped transactions, delegated authority, referenced ledger objects, unknown types. One
/// corpus, linked into the Core, MCP and CLI tests, so each front end is tried with the same attacks.
/// </summary>
public sealed class AttackCorpus(string wallet, string attacker, string friend, string issuer)
{
    /// <summary>The ledger object id the referencing transactions point at (an NFT offer, channel, vault, check or loan).</summary>
    public const string ObjectId = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";

    /// <summary>The NFT the offers are for.</summary>
    public const string NftId = "000800006203F49C21D5D6E022CB16DE3538F248662FC73C00000000000000AA";

    /// <summary>The attacker's account: never paid by the wallet.</summary>
    public string Attacker => attacker;

    /// <summary>A sell offer for <see cref="NftId"/> at <paramref name="price"/> drops, owned by <paramref name="owner"/>, as ledger_entry returns it.</summary>
    public static JsonObject SellOffer(string price, string owner) => new()
    {
        ["LedgerEntryType"] = "NFTokenOffer",
        ["Flags"] = 1,
        ["Amount"] = price,
        ["Owner"] = owner,
        ["NFTokenID"] = NftId,
        ["index"] = ObjectId,
    };

    /// <summary>A Batch carrying <paramref name="inner"/> (each with a zero fee, as inner transactions have).</summary>
    public JsonObject Batch(params JsonObject[] inner)
    {
        var raw = new JsonArray();
        foreach (var transaction in inner)
        {
            var copy = (JsonObject)transaction.DeepClone();
            copy["Fee"] = "0";
            raw.Add(new JsonObject { ["RawTransaction"] = copy });
        }

        return new JsonObject
        {
            ["TransactionType"] = "Batch",
            ["Account"] = wallet,
            ["Fee"] = "40",
            ["Flags"] = 0x00010000,
            ["Sequence"] = 7,
            ["RawTransactions"] = raw,
        };
    }

    /// <summary>A transaction of <paramref name="type"/> from the wallet with a fee and Sequence, plus <paramref name="fields"/>.</summary>
    public JsonObject Tx(string type, params (string Field, JsonNode Value)[] fields)
    {
        var transaction = new JsonObject { ["TransactionType"] = type, ["Account"] = wallet, ["Fee"] = "12", ["Sequence"] = 7 };
        foreach (var (field, value) in fields)
        {
            transaction[field] = value.DeepClone();
        }

        return transaction;
    }

    /// <summary>Every attack by name; none may be allowed under the mainnet defaults.</summary>
    public Dictionary<string, JsonObject> Transactions()
    {
        var usd = new JsonObject { ["currency"] = "USD", ["issuer"] = issuer, ["value"] = "1000000" };
        var bridge = new JsonObject
        {
            ["LockingChainDoor"] = friend,
            ["LockingChainIssue"] = new JsonObject { ["currency"] = "XRP" },
            ["IssuingChainDoor"] = issuer,
            ["IssuingChainIssue"] = new JsonObject { ["currency"] = "XRP" },
        };
        return new Dictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            ["nft_accept_sell_offer"] = Tx("NFTokenAcceptOffer", ("NFTokenSellOffer", ObjectId)),
            ["nft_accept_buy_offer"] = Tx("NFTokenAcceptOffer", ("NFTokenBuyOffer", ObjectId)),
            ["batch_drain"] = Batch(
                Tx("Payment", ("Destination", attacker), ("Amount", "90000000000")),
                Tx("SetRegularKey", ("RegularKey", attacker)),
                Tx("AccountDelete", ("Destination", attacker))),
            ["delegate_payments"] = Tx("DelegateSet", ("Authorize", attacker), ("Permissions", new JsonArray(new JsonObject { ["Permission"] = new JsonObject { ["PermissionValue"] = "Payment" } }))),
            ["nft_buy_offer_owner"] = Tx("NFTokenCreateOffer", ("NFTokenID", NftId), ("Amount", "1000000"), ("Owner", attacker)),
            ["xchain_commit_other_chain_destination"] = Tx("XChainCommit", ("XChainBridge", bridge), ("XChainClaimID", "1"), ("Amount", "1000000"), ("OtherChainDestination", attacker)),
            ["payment_channel_fund"] = Tx("PaymentChannelFund", ("Channel", ObjectId), ("Amount", "1000000")),
            ["payment_channel_claim"] = Tx("PaymentChannelClaim", ("Channel", ObjectId), ("Balance", "1000000")),
            ["vault_deposit"] = Tx("VaultDeposit", ("VaultID", ObjectId), ("Amount", "1000000")),
            ["vault_withdraw_to_other"] = Tx("VaultWithdraw", ("VaultID", ObjectId), ("Amount", "1000000"), ("Destination", attacker)),
            ["check_create"] = Tx("CheckCreate", ("Destination", attacker), ("SendMax", "1000000")),
            ["check_cash_unread"] = Tx("CheckCash", ("CheckID", ObjectId), ("Amount", "1000000")),
            ["escrow_to_attacker"] = Tx("EscrowCreate", ("Destination", attacker), ("Amount", "1000000")),
            ["amm_deposit_token"] = Tx("AMMDeposit", ("Asset", new JsonObject { ["currency"] = "XRP" }), ("Asset2", new JsonObject { ["currency"] = "USD", ["issuer"] = issuer }), ("Amount2", usd)),
            ["offer_sells_token"] = Tx("OfferCreate", ("TakerGets", usd), ("TakerPays", "1")),
            ["loan_pay"] = Tx("LoanPay", ("LoanID", ObjectId), ("Amount", "1000000")),
            ["disable_master"] = Tx("AccountSet", ("SetFlag", 4)),
            ["nft_minter"] = Tx("AccountSet", ("SetFlag", 10), ("NFTokenMinter", attacker)),
            ["signer_list"] = Tx("SignerListSet", ("SignerQuorum", 1), ("SignerEntries", new JsonArray(new JsonObject { ["SignerEntry"] = new JsonObject { ["Account"] = attacker, ["SignerWeight"] = 1 } }))),
            ["payment_with_delegate"] = Tx("Payment", ("Destination", friend), ("Amount", "1"), ("Delegate", attacker)),
            ["payment_with_foreign_field"] = Tx("Payment", ("Destination", friend), ("Amount", "1"), ("Owner", attacker)),
            ["confidential_send"] = Tx("ConfidentialMPTSend", ("Destination", friend)),
            ["unknown_type"] = Tx("PaymentV2", ("Destination", friend), ("Amount", "1")),
            ["sponsorship"] = Tx("SponsorshipSet", ("Sponsee", attacker)),
            ["xchain_create_account"] = Tx("XChainAccountCreateCommit", ("XChainBridge", bridge), ("Destination", attacker), ("Amount", "1000000"), ("SignatureReward", "100")),
            ["payment_with_huge_send_max"] = Tx("Payment", ("Destination", attacker), ("Amount", "1"), ("SendMax", "90000000000")),
            ["amm_withdraw_to_lp_tokens"] = Tx("AMMWithdraw", ("Asset", new JsonObject { ["currency"] = "XRP" }), ("Asset2", new JsonObject { ["currency"] = "USD", ["issuer"] = issuer }), ("LPTokenIn", new JsonObject { ["currency"] = "039C99CD9AB0B70B32ECDA51EAAE471625608EA2", ["issuer"] = issuer, ["value"] = "1000000" })),
            ["account_delete"] = Tx("AccountDelete", ("Destination", friend)),
            ["regular_key_on_payment"] = Tx("Payment", ("Destination", friend), ("Amount", "1"), ("RegularKey", attacker)),
        };
    }
}
