namespace HsmWallet.Core.Policy.Effects;

/// <summary>The ledger objects whose contents decide what a transaction moves, and so must be read before a decision.</summary>
public enum LedgerObjectKind
{
    /// <summary>An NFT sell offer being accepted: this account pays its Amount to its Owner.</summary>
    NFTokenSellOffer,

    /// <summary>An NFT buy offer being accepted: this account gives the NFT to its Owner.</summary>
    NFTokenBuyOffer,

    /// <summary>A payment channel being funded or claimed: its Destination is who gets the value.</summary>
    PayChannel,

    /// <summary>A check being cashed: its sender, and whether it is addressed to this account.</summary>
    Check,

    /// <summary>A single-asset vault: its owner is who receives a deposit's control.</summary>
    Vault,

    /// <summary>A loan broker: its owner is who receives a cover deposit.</summary>
    LoanBroker,

    /// <summary>A loan being paid: what it is and who borrowed.</summary>
    Loan,

    /// <summary>This account's own root, read for AccountDelete: the whole balance leaves.</summary>
    OwnAccountRoot,
}
