using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using static HsmWallet.Core.Policy.Effects.FieldRole;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>
/// One effect model per transaction type in definitions.json: what can leave the account, to whom, from which
/// ledger objects, and whether control changes. A type missing here needs a human; a field a model does not name
/// needs a human; so a refreshed definitions.json never widens what an agent can get signed.
/// </summary>
public static class EffectModel
{
    private const int AsfDisableMaster = 4;
    private const int AsfAuthorizedNFTokenMinter = 10;

    /// <summary>Fields every transaction may carry, and what they mean.</summary>
    public static FrozenDictionary<string, FieldRole> CommonFields { get; } = new Dictionary<string, FieldRole>(StringComparer.Ordinal)
    {
        ["Account"] = Neutral,
        ["Fee"] = Neutral,
        ["Memos"] = Neutral,
        ["Signers"] = Neutral,
        ["PreviousTxnID"] = Neutral,
        ["AccountTxnID"] = Neutral,
        ["Delegate"] = NeedsHuman,
        ["Sponsor"] = NeedsHuman,
        ["SponsorSignature"] = NeedsHuman,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every modelled type by name.</summary>
    public static FrozenDictionary<string, TypeEffect> Types { get; } = Build().ToFrozenDictionary(model => model.Type, StringComparer.Ordinal);

    /// <summary>The model of one type, or null when the type has none (which never allows).</summary>
    public static TypeEffect? For(string transactionType) => Types.GetValueOrDefault(transactionType);

    private static IEnumerable<TypeEffect> Build()
    {
        const string PseudoTransaction = "a pseudo-transaction: the network itself issues it, never an account";
        const string Attestation = "a bridge witness's attestation: witness servers sign these, not wallets";
        const string Confidential = "its amounts are encrypted, so the policy cannot count them";
        const string Loans = "a loan moves value between vaults, brokers and borrowers that the policy does not model";
        const string Sponsorship = "sponsorship moves fee and reserve obligations between accounts, which the policy does not model";

        yield return Model("Payment", "sends Amount (at most SendMax) to Destination")
            .Out("Amount", "SendMax", "DeliverMin").To("Destination").Neutral("Paths", "InvoiceID", "CredentialIDs", "DomainID");
        yield return Model("EscrowCreate", "locks Amount in an escrow for Destination").Out("Amount").To("Destination");
        yield return Model("EscrowFinish", "releases an escrow (already locked) to its destination").Party("Owner").Neutral("CredentialIDs");
        yield return Model("EscrowCancel", "returns an expired escrow to its owner").Party("Owner");
        yield return Model("AccountSet", "changes account settings")
            .Authority("NFTokenMinter").Neutral("EmailHash", "WalletLocator")
            .KeyChange(AccountSetKeyChange);
        yield return Model("SetRegularKey", "sets or removes the regular key").Authority("RegularKey")
            .KeyChange(_ => "SetRegularKey changes which key can sign for the account");
        yield return Model("OfferCreate", "trades TakerGets for TakerPays on the DEX").Out("TakerGets", "TakerPays").Neutral("DomainID");
        yield return Model("OfferCancel", "removes an offer");
        yield return Model("TicketCreate", "sets aside sequence numbers");
        yield return Model("SignerListSet", "sets or removes the signer list").Authority("SignerEntries")
            .KeyChange(_ => "SignerListSet changes who can multisign for the account");
        yield return Model("PaymentChannelCreate", "locks Amount in a channel to Destination").Out("Amount").To("Destination");
        yield return Model("PaymentChannelFund", "adds Amount to a channel, whose destination is read from the ledger")
            .Out("Amount").Neutral("Channel").Reads("Channel", LedgerObjectKind.PayChannel);
        yield return Model("PaymentChannelClaim", "releases channel funds to the channel's destination (read from the ledger)")
            .Out("Amount", "Balance").Neutral("Channel", "CredentialIDs").Reads("Channel", LedgerObjectKind.PayChannel);
        yield return Model("CheckCreate", "lets Destination cash up to SendMax").Out("SendMax").To("Destination").Neutral("InvoiceID");
        yield return Model("CheckCash", "receives a check's funds (the check is read from the ledger)")
            .NotMoved("Amount", "DeliverMin").Neutral("CheckID").Reads("CheckID", LedgerObjectKind.Check);
        yield return Model("CheckCancel", "cancels a check").Neutral("CheckID");
        yield return Model("DepositPreauth", "lets an account or credential holders deposit here")
            .Party("Authorize", "Unauthorize", "AuthorizeCredentials", "UnauthorizeCredentials");
        yield return Model("TrustSet", "sets a trust line's limit: a ceiling on what may be received, not a payment").NotMoved("LimitAmount");
        yield return Model("AccountDelete", "deletes the account and sends its whole XRP balance (read from the ledger) to Destination")
            .To("Destination").Neutral("CredentialIDs").Reads("Destination", LedgerObjectKind.OwnAccountRoot)
            .KeyChange(_ => "AccountDelete removes the account and sends everything it holds to Destination");
        yield return Model("NFTokenMint", "mints an NFT, optionally offered for Amount to Destination").Out("Amount").To("Destination").Party("Issuer");
        yield return Model("NFTokenBurn", "destroys an NFT").Neutral("NFTokenID").Party("Owner");
        yield return Model("NFTokenCreateOffer", "offers to buy (pay Amount to Owner) or sell (give the NFT) an NFT")
            .Out("Amount").To("Destination", "Owner").Neutral("NFTokenID");
        yield return Model("NFTokenCancelOffer", "cancels NFT offers").Neutral("NFTokenOffers");
        yield return Model("NFTokenAcceptOffer", "accepts an NFT offer whose price and counterparty are read from the ledger")
            .NotMoved("NFTokenBrokerFee").Neutral("NFTokenSellOffer", "NFTokenBuyOffer")
            .Reads("NFTokenSellOffer", LedgerObjectKind.NFTokenSellOffer).Reads("NFTokenBuyOffer", LedgerObjectKind.NFTokenBuyOffer);
        yield return Model("NFTokenModify", "changes a dynamic NFT's URI").Neutral("NFTokenID").Party("Owner");
        yield return Model("Clawback", "as an issuer, takes back tokens from a holder").NotMoved("Amount").Party("Holder");
        yield return Model("AMMClawback", "as an issuer, takes back tokens from a holder's AMM position").NotMoved("Amount").Party("Holder").Neutral("Asset", "Asset2");
        yield return Model("AMMCreate", "creates an AMM pool funded with Amount and Amount2").Out("Amount", "Amount2");
        yield return Model("AMMDeposit", "deposits into an AMM pool").Out("Amount", "Amount2", "EPrice", "LPTokenOut").Neutral("Asset", "Asset2");
        yield return Model("AMMWithdraw", "withdraws from an AMM pool").Out("Amount", "Amount2", "EPrice", "LPTokenIn").Neutral("Asset", "Asset2");
        yield return Model("AMMVote", "votes on an AMM pool's fee").Neutral("Asset", "Asset2");
        yield return Model("AMMBid", "bids LP tokens for an AMM auction slot").Out("BidMin", "BidMax").Party("AuthAccounts").Neutral("Asset", "Asset2");
        yield return Model("AMMDelete", "deletes an empty AMM pool").Neutral("Asset", "Asset2");
        yield return Model("XChainCreateClaimID", "reserves a cross-chain claim id, paying SignatureReward")
            .Out("SignatureReward").Party("XChainBridge", "OtherChainSource");
        yield return Model("XChainCommit", "locks Amount on this chain for OtherChainDestination on the other")
            .Out("Amount").To("OtherChainDestination").Party("XChainBridge").Neutral("XChainClaimID");
        yield return Model("XChainClaim", "claims bridged value for Destination").Out("Amount").To("Destination").Party("XChainBridge").Neutral("XChainClaimID");
        yield return Model("XChainAccountCreateCommit", "sends Amount across a bridge to create Destination on the other chain")
            .Out("Amount", "SignatureReward").To("Destination").Party("XChainBridge");
        yield return Model("XChainAddClaimAttestation", Attestation).Human(Attestation)
            .NotMoved("Amount").Party("XChainBridge", "AttestationSignerAccount", "OtherChainSource", "AttestationRewardAccount", "Destination").Neutral("XChainClaimID");
        yield return Model("XChainAddAccountCreateAttestation", Attestation).Human(Attestation)
            .NotMoved("Amount", "SignatureReward").Party("XChainBridge", "AttestationSignerAccount", "OtherChainSource", "AttestationRewardAccount", "Destination")
            .Neutral("XChainAccountCreateCount");
        yield return Model("XChainModifyBridge", "changes a bridge's rewards and minimums").NotMoved("SignatureReward", "MinAccountCreateAmount").Party("XChainBridge");
        yield return Model("XChainCreateBridge", "creates a bridge").NotMoved("SignatureReward", "MinAccountCreateAmount").Party("XChainBridge");
        yield return Model("DIDSet", "sets the account's decentralized identifier");
        yield return Model("DIDDelete", "deletes the account's decentralized identifier");
        yield return Model("OracleSet", "publishes price data").Neutral("PriceDataSeries");
        yield return Model("OracleDelete", "deletes a price oracle");
        yield return Model("LedgerStateFix", "repairs ledger state").Party("Owner").Neutral("BookDirectory");
        yield return Model("MPTokenIssuanceCreate", "creates a multi-purpose token issuance (MaximumAmount is a cap, not a payment)")
            .NotMoved("MaximumAmount").Neutral("DomainID");
        yield return Model("MPTokenIssuanceDestroy", "destroys an MPT issuance").Neutral("MPTokenIssuanceID");
        yield return Model("MPTokenIssuanceSet", "locks or changes an MPT issuance").Neutral("MPTokenIssuanceID", "DomainID").Party("Holder");
        yield return Model("MPTokenAuthorize", "holds or authorizes holding an MPT").Neutral("MPTokenIssuanceID").Party("Holder");
        yield return Model("CredentialCreate", "issues a credential to Subject").Party("Subject");
        yield return Model("CredentialAccept", "accepts a credential from Issuer").Party("Issuer");
        yield return Model("CredentialDelete", "deletes a credential").Party("Subject", "Issuer");
        yield return Model("PermissionedDomainSet", "sets a permissioned domain's accepted credentials").Neutral("DomainID").Party("AcceptedCredentials");
        yield return Model("PermissionedDomainDelete", "deletes a permissioned domain").Neutral("DomainID");
        yield return Model("DelegateSet", "lets Authorize send transactions for this account").Authority("Authorize").Neutral("Permissions")
            .KeyChange(_ => "DelegateSet lets another account act for this one");
        yield return Model("VaultCreate", "creates a single-asset vault (AssetsMaximum is a cap)").NotMoved("AssetsMaximum").Neutral("Asset", "DomainID");
        yield return Model("VaultSet", "changes a vault").NotMoved("AssetsMaximum").Neutral("VaultID", "DomainID");
        yield return Model("VaultDelete", "deletes an empty vault").Neutral("VaultID");
        yield return Model("VaultDeposit", "deposits Amount into a vault whose owner is read from the ledger")
            .Out("Amount").Neutral("VaultID").Reads("VaultID", LedgerObjectKind.Vault);
        yield return Model("VaultWithdraw", "redeems vault shares; the assets go to Destination (or back here)")
            .Out("Amount").To("Destination").Neutral("VaultID").Reads("VaultID", LedgerObjectKind.Vault);
        yield return Model("VaultClawback", "as an issuer, takes back assets from a vault holder").NotMoved("Amount").Party("Holder").Neutral("VaultID");
        yield return Model("Batch", "carries up to eight inner transactions, each modelled as if signed alone")
            .Neutral("RawTransactions").Party("BatchSigners").Wraps();
        yield return Model("LoanBrokerSet", "creates or changes a loan broker (DebtMaximum is a cap)").NotMoved("DebtMaximum").Neutral("VaultID", "LoanBrokerID");
        yield return Model("LoanBrokerDelete", "deletes a loan broker").Neutral("LoanBrokerID");
        yield return Model("LoanBrokerCoverDeposit", "deposits first-loss cover into a loan broker whose owner is read from the ledger")
            .Out("Amount").Neutral("LoanBrokerID").Reads("LoanBrokerID", LedgerObjectKind.LoanBroker);
        yield return Model("LoanBrokerCoverWithdraw", "withdraws first-loss cover to Destination (or back here)").Out("Amount").To("Destination").Neutral("LoanBrokerID");
        yield return Model("LoanBrokerCoverClawback", "as an issuer, takes back first-loss cover").NotMoved("Amount").Neutral("LoanBrokerID");
        yield return Model("LoanSet", Loans).Human(Loans)
            .NotMoved("LoanOriginationFee", "LoanServiceFee", "LatePaymentFee", "ClosePaymentFee", "PrincipalRequested")
            .Party("Counterparty").Neutral("LoanBrokerID", "CounterpartySignature");
        yield return Model("LoanDelete", "deletes a finished loan").Neutral("LoanID");
        yield return Model("LoanManage", "changes a loan's state").Neutral("LoanID");
        yield return Model("LoanPay", "pays Amount towards a loan read from the ledger; the lender behind it is not resolved")
            .Human("a loan payment goes to the loan broker behind the loan, which the policy does not resolve")
            .Out("Amount").Neutral("LoanID").Reads("LoanID", LedgerObjectKind.Loan);
        yield return Model("ConfidentialMPTConvert", Confidential).Human(Confidential).NotMoved("MPTAmount").Neutral("MPTokenIssuanceID", "BlindingFactor");
        yield return Model("ConfidentialMPTMergeInbox", "merges received confidential MPT into the spendable balance").Neutral("MPTokenIssuanceID");
        yield return Model("ConfidentialMPTConvertBack", Confidential).Human(Confidential).NotMoved("MPTAmount").Neutral("MPTokenIssuanceID", "BlindingFactor");
        yield return Model("ConfidentialMPTSend", Confidential).Human(Confidential).To("Destination").Neutral("MPTokenIssuanceID", "CredentialIDs");
        yield return Model("ConfidentialMPTClawback", Confidential).Human(Confidential).NotMoved("MPTAmount").Party("Holder").Neutral("MPTokenIssuanceID");
        yield return Model("SponsorshipTransfer", Sponsorship).Human(Sponsorship).Party("Sponsee").Neutral("ObjectID");
        yield return Model("SponsorshipSet", Sponsorship).Human(Sponsorship).Out("FeeAmountDelta", "MaxFee").Party("CounterpartySponsor", "Sponsee");
        yield return Model("EnableAmendment", PseudoTransaction).Refuse(PseudoTransaction).Neutral("Amendment");
        yield return Model("SetFee", PseudoTransaction).Refuse(PseudoTransaction).NotMoved("BaseFee", "BaseFeeDrops", "ReserveBaseDrops", "ReserveIncrementDrops");
        yield return Model("UNLModify", PseudoTransaction).Refuse(PseudoTransaction);
    }

    private static string? AccountSetKeyChange(JsonObject transaction)
    {
        var set = Flag(transaction, "SetFlag");
        var clear = Flag(transaction, "ClearFlag");
        if (set == AsfDisableMaster || clear == AsfDisableMaster)
        {
            return "AccountSet turns the master key off or on";
        }

        return set == AsfAuthorizedNFTokenMinter || transaction.ContainsKey("NFTokenMinter")
            ? "AccountSet lets another account mint NFTs for this one"
            : null;
    }

    private static long? Flag(JsonObject transaction, string field) =>
        transaction[field] is JsonNode node
            ? long.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var flag) ? flag : throw new InvalidInputException(field, "must be a whole number")
            : null;

    private static Builder Model(string type, string does) => new(type, does);

    /// <summary>Declares one model in a line: each method names fields with one role.</summary>
    private sealed class Builder(string type, string does)
    {
        private readonly Dictionary<string, FieldRole> _fields = new(StringComparer.Ordinal);
        private readonly List<ObjectReference> _references = [];
        private Func<JsonObject, string?>? _keyChange;
        private string? _needsHuman;
        private string? _refused;
        private bool _wraps;

        public static implicit operator TypeEffect(Builder builder) => builder.Build();

        public Builder Out(params string[] fields) => With(Outflow, fields);

        public Builder NotMoved(params string[] fields) => With(FieldRole.NotMoved, fields);

        public Builder To(params string[] fields) => With(Recipient, fields);

        public Builder Party(params string[] fields) => With(FieldRole.Party, fields);

        public Builder Authority(params string[] fields) => With(FieldRole.Authority, fields);

        public Builder Neutral(params string[] fields) => With(FieldRole.Neutral, fields);

        public Builder Reads(string field, LedgerObjectKind kind)
        {
            _references.Add(new ObjectReference(field, kind));
            return this;
        }

        public Builder KeyChange(Func<JsonObject, string?> rule)
        {
            _keyChange = rule;
            return this;
        }

        public Builder Human(string reason)
        {
            _needsHuman = reason;
            return this;
        }

        public Builder Refuse(string reason)
        {
            _refused = reason;
            return this;
        }

        public Builder Wraps()
        {
            _wraps = true;
            return this;
        }

        public TypeEffect Build() => new(
            type, does, _fields.ToFrozenDictionary(StringComparer.Ordinal), [.. _references], _keyChange, _needsHuman, _refused, _wraps);

        private Builder With(FieldRole role, string[] fields)
        {
            foreach (var field in fields)
            {
                if (!_fields.TryAdd(field, role))
                {
                    throw new InvalidOperationException($"The model of {type} names {field} twice.");
                }
            }

            return this;
        }
    }
}
