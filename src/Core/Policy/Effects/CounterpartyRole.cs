namespace HsmWallet.Core.Policy.Effects;

/// <summary>How a counterparty relates to the signing account, which decides the destination rules that apply to it.</summary>
public enum CounterpartyRole
{
    /// <summary>Value from this account goes to it.</summary>
    Recipient,

    /// <summary>Named by the transaction or its ledger object, but paid nothing by this account.</summary>
    Party,

    /// <summary>Gains authority over this account.</summary>
    Authority,
}
