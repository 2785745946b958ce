using System.CommandLine;

namespace HsmWallet.Cli;

/// <summary>Options every command accepts, defined once so their names cannot drift between verbs.</summary>
internal static class GlobalOptions
{
    /// <summary>Asks for exactly one JSON object on stdout, errors included, for scripts.</summary>
    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object on stdout, errors included.",
        Recursive = true,
    };

    /// <summary>The wallet home (else $HSMWALLET_HOME, else the XDG data folder), so one machine can hold several.</summary>
    public static Option<string> Home { get; } = new("--home")
    {
        Description = "The wallet home folder (default $HSMWALLET_HOME, else $XDG_DATA_HOME/hsmwallet).",
        Recursive = true,
    };

    /// <summary>The XRPL network; mainnet must be named explicitly.</summary>
    public static Option<string> Network { get; } = new("--network")
    {
        Description = "mainnet, testnet or devnet (default $HSMWALLET_NETWORK, else testnet).",
        Recursive = true,
    };

    /// <summary>A rippled URL of the operator's own (http(s) JSON-RPC or ws(s)) instead of a public network.</summary>
    public static Option<string> RpcUrl { get; } = new("--rpc-url")
    {
        Description = "A rippled URL (http, https, ws or wss) instead of the network's public servers (default $HSMWALLET_RPC_URL).",
        Recursive = true,
    };

    /// <summary>A 0600 file holding the password of a password slot.</summary>
    public static Option<string> PasswordFile { get; } = new("--password-file")
    {
        Description = "A 0600/0400 file holding the vault password.",
        Recursive = true,
    };

    /// <summary>A 0600 file holding a token or TPM PIN.</summary>
    public static Option<string> PinFile { get; } = new("--pin-file")
    {
        Description = "A 0600/0400 file holding the PIN of a PKCS#11 or TPM slot.",
        Recursive = true,
    };

    /// <summary>The key file of a key-file slot (overrides the path recorded in the slot).</summary>
    public static Option<string> KeyFile { get; } = new("--key-file")
    {
        Description = "The key file of a key-file slot (default: the file recorded at enrolment).",
        Recursive = true,
    };

    /// <summary>A 0600 file holding a recovery key, for scripted recovery.</summary>
    public static Option<string> RecoveryKeyFile { get; } = new("--recovery-key-file")
    {
        Description = "A 0600/0400 file holding a recovery key.",
        Recursive = true,
    };

    /// <summary>Chooses which slot to try, instead of the first one that can be satisfied.</summary>
    public static Option<int?> Slot { get; } = new("--slot")
    {
        Description = "The slot ID to unlock with (default: the first that needs no prompt, then prompts in slot order).",
        Recursive = true,
    };

    /// <summary>Where the signing state, counters and approvals live: the home's files, or a PostgreSQL database shared by several servers.</summary>
    public static Option<string> State { get; } = new("--state")
    {
        Description = "files (default) or postgres://USER@HOST:PORT/DB: where signing state, limits and approvals live (docs/deployment.md); the password comes from --state-credential.",
        Recursive = true,
    };

    /// <summary>The database password (or a whole Npgsql connection string) for --state postgres://..., never on the command line.</summary>
    public static Option<string> StateCredential { get; } = new("--state-credential")
    {
        Description = "A 0600/0400 file holding the --state database's password or an Npgsql connection string (default: the systemd credential hsmwallet-state).",
        Recursive = true,
    };

    /// <summary>Every global option, so the root command adds them in one place.</summary>
    public static IReadOnlyList<Option> All { get; } = [Json, Home, Network, RpcUrl, PasswordFile, PinFile, KeyFile, RecoveryKeyFile, Slot, State, StateCredential];
}
