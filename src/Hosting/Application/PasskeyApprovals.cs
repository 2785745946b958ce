using HsmWallet.Core.Approvals;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Approvals;
using HsmWallet.KeyProviders;

namespace HsmWallet.Hosting.Application;

/// <summary>
/// Wires passkey approvals into an opened <see cref="WalletApplication"/>: the enrolled approvers of its vault and the
/// Fido2 adapter, set as Core's passkey check on both use cases, so a "passkey" grant counts only when its assertion
/// verifies there (without this, every passkey grant is refused).
/// </summary>
public static class PasskeyApprovals
{
    /// <summary>The approvers of <paramref name="app"/>'s vault (unlocked as the application unlocks), over <paramref name="providers"/> or the standard ones.</summary>
    public static PasskeyApproverStore Approvers(WalletApplication app, KeyProviderRegistry? providers = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new PasskeyApproverStore(new WalletVault(app.Home, providers ?? StandardKeyProviders.CreateRegistry()), app.Unlock);
    }

    /// <summary>Sets Core's passkey check on <paramref name="app"/>'s wallet and transaction use cases and returns the approvers it reads.</summary>
    public static PasskeyApproverStore Enable(WalletApplication app, Fido2Passkeys verifier, KeyProviderRegistry? providers = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(verifier);
        var approvers = Approvers(app, providers);
        var check = new PasskeyGrantCheck(approvers, verifier);
        app.Wallets.Passkeys = check;
        app.Transactions.Passkeys = check;
        return approvers;
    }
}
