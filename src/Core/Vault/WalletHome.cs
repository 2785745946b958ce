using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The wallet's data folder (INTERFACES.md): `--home`, else $HSMWALLET_HOME, else $XDG_DATA_HOME/hsmwallet,
/// else ~/.local/share/hsmwallet; created 0700 and refused when open to others, so every file in it is private.
/// </summary>
public sealed class WalletHome
{
    /// <summary>The environment variable naming the home.</summary>
    public const string EnvironmentVariable = "HSMWALLET_HOME";

    private WalletHome(string root) => Root = root;

    /// <summary>The absolute path of the home folder.</summary>
    public string Root { get; }

    /// <summary>`vault.json`: slots and encrypted wallet records.</summary>
    public string VaultPath => Path.Combine(Root, "vault.json");

    /// <summary>`state/`: lockout, rate and signing state.</summary>
    public string StateDirectory => Path.Combine(Root, "state");

    /// <summary>`audit/`: the hash-chained audit log.</summary>
    public string AuditDirectory => Path.Combine(Root, "audit");

    /// <summary>`approvals/`: pending human approvals.</summary>
    public string ApprovalsDirectory => Path.Combine(Root, "approvals");

    /// <summary>`policy.json`: the signing policy.</summary>
    public string PolicyPath => Path.Combine(Root, "policy.json");

    /// <summary>`vault.key`: where `init --unlocker keyfile` puts the key file when no `--key-file` is named.</summary>
    public string DefaultKeyFilePath => Path.Combine(Root, "vault.key");

    /// <summary>Finds the home path from the option and the environment, without touching the disk.</summary>
    public static string ResolvePath(string? homeOption, Func<string, string?>? getEnvironment = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrEmpty(homeOption))
        {
            return Path.GetFullPath(homeOption);
        }

        var fromEnvironment = getEnvironment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var dataHome = getEnvironment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(dataHome) && Path.IsPathRooted(dataHome))
        {
            return Path.Combine(dataHome, "hsmwallet");
        }

        var userHome = getEnvironment("HOME");
        if (string.IsNullOrEmpty(userHome))
        {
            userHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        if (string.IsNullOrEmpty(userHome))
        {
            throw new InvalidInputException("home", "cannot be found: name the home or set $HSMWALLET_HOME");
        }

        return Path.Combine(userHome, ".local", "share", "hsmwallet");
    }

    /// <summary>Resolves the home, creates it 0700 if absent, and checks it is private.</summary>
    public static WalletHome Open(string? homeOption = null, Func<string, string?>? getEnvironment = null) =>
        At(ResolvePath(homeOption, getEnvironment));

    /// <summary>Uses the given folder as the home, creating it 0700 if absent and checking it is private.</summary>
    public static WalletHome At(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var root = Path.GetFullPath(path);
        ProtectedFile.EnsurePrivateDirectory(root);
        return new WalletHome(root);
    }

    /// <summary>Path of a file under `state/`, creating the folder 0700 when needed.</summary>
    public string StateFile(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ProtectedFile.EnsurePrivateDirectory(StateDirectory);
        return Path.Combine(StateDirectory, name);
    }
}
