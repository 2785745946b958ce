using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Signing;

/// <summary>
/// Real money needs a real lock: a vault opened only by a key file (or a recovery key) may hold and sign for
/// testnet and devnet wallets, but mainnet needs a hardware or password slot enrolled first.
/// </summary>
public static class MainnetSlotRule
{
    private static readonly HashSet<string> SoftKinds = new(StringComparer.Ordinal) { "keyfile", "recovery" };

    /// <summary>Throws naming the field when <paramref name="network"/> is mainnet and the vault has no strong slot.</summary>
    public static void Check(WalletVault vault, string network, string field)
    {
        ArgumentNullException.ThrowIfNull(vault);
        if (network != "mainnet")
        {
            return;
        }

        if (!vault.ListSlots().Any(slot => slot.IsHardwareBacked || !SoftKinds.Contains(slot.Kind)))
        {
            throw new InvalidInputException(field, "mainnet needs a hardware or password slot: enrol one with hsmwallet slot add --unlocker tpm|pkcs11|password");
        }
    }
}
