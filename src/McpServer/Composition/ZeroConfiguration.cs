
namespace HsmWallet.McpServer.Composition;

/// <summary>
/// The zero-configuration first start (issue 8): with no vault in the home, create one protected by a key-file
/// slot (the key file 0600 under the home) on testnet, unless the configuration names a password, PIN, recovery key or slot and say on stderr where it is and how to enrol a hardware
/// or password slot; then unlock once so the audit session has its key and the wallet list is cached.
/// </summary>
public static class ZeroConfiguration
{
    /// <summary>Creates the vault when absent and performs the start-up unlock; failures are reported, not fatal.</summary>
    public static void Start(WalletServices services, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!services.App.VaultExists)
        {
            // A configuration that names a secret or a slot means the operator expects a vault they made: a new
            // key-file vault here would ignore it. The server says where the vault is missing instead.
            var options = services.Options;
            if (options.PasswordFile is not null || options.PinFile is not null || options.RecoveryKeyFile is not null || options.Slot is not null)
            {
                throw new HsmWallet.Core.Vault.VaultNotFoundException(services.App.Home.VaultPath);
            }

            var keyFile = services.Options.KeyFile ?? services.App.Home.DefaultKeyFilePath;
            services.App.CreateKeyFileVault(keyFile);
            stderr.WriteLine($"hsmwallet-mcp: created a new vault at {services.App.Home.VaultPath}");
            stderr.WriteLine($"hsmwallet-mcp: it is protected by the key file {keyFile} (0600); anyone who can read that file can sign with its testnet wallets.");
            stderr.WriteLine("hsmwallet-mcp: to protect it with hardware or a password (needed for mainnet), run for example:");
            stderr.WriteLine($"hsmwallet-mcp:   hsmwallet slot add --home {services.App.Home.Root} --unlocker password    (or --unlocker pkcs11 ... / --unlocker tpm ...)");
        }

        // The start-up unlock: keys the audit session (creating the audit key on a vault that has none yet) and
        // fills the wallet list and the recorded policy hash from the same unlock.
        services.App.OpenAudit();

        // With a shared state store: a home behind its audit chain's head there (restored, cut short) or a copy running
        // the same chain beside the original refuses every tool from the start, naming the cause (docs/audit.md).
        services.App.Audit.CheckSharedHead();
    }
}
