namespace HsmWallet.Core.Policy.Effects;

/// <summary>What one field of a transaction means to the account that signs it, so the policy counts by meaning, not by name.</summary>
public enum FieldRole
{
    /// <summary>Value that can leave the account (counted per asset, the largest such field of an asset wins).</summary>
    Outflow,

    /// <summary>An amount that does not leave the account (a trust line's ceiling, what the account receives).</summary>
    NotMoved,

    /// <summary>An account that value goes to: destination rules (allow, block, new destination) apply.</summary>
    Recipient,

    /// <summary>An account that is named but receives nothing from this account (an object's owner, a holder, an issuer).</summary>
    Party,

    /// <summary>An account that gains power to act for this one: a key change.</summary>
    Authority,

    /// <summary>A field with no value or counterparty of its own (ids, paths, hashes, lists the model reads elsewhere).</summary>
    Neutral,

    /// <summary>A field whose meaning the model does not read (delegated signing, sponsorship): a human must look.</summary>
    NeedsHuman,
}
