using System.CommandLine;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Hosting;
using HsmWallet.Hosting.Application;
using HsmWallet.KeyProviders.Terminal;

namespace HsmWallet.Cli.Vault;

/// <summary>
/// Opens the application layer on the home a command line names, with that line's secret options: one place for
/// --home, --network, --rpc-url, --slot and the secret sources, so every verb reaches the vault the same way
/// (and the same way as the MCP server: <see cref="WalletApplication"/>).
/// </summary>
internal static class CliHome
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Who the audit log says asked through the CLI: the operator.</summary>
    public static AuditActor Actor { get; } = new(AuditActorType.User, "cli");

    /// <summary>
    /// The application on this line's home and network: secrets typed once are kept for the command, and a
    /// successful unlock lifts a lockout (the operator at the terminal). Reads nothing yet.
    /// </summary>
    public static WalletApplication Open(CliContext context, ParseResult parse, bool useKeyFileOption = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parse);
        return WalletApplication.Open(new ApplicationOptions
        {
            Settings = Settings(parse),
            Secrets = SecretOptions(context, parse, useKeyFileOption),
            Actor = Actor,
            Slot = parse.GetValue(GlobalOptions.Slot),
            RemembersSecrets = true,
            UnlockResetsLockout = true,
            StateStore = StateStore(parse),
        });
    }

    /// <summary>The store --state names (null for the home's files), its password from --state-credential or the systemd credential.</summary>
    public static Hosting.State.Postgres.PostgresStateStore? StateStore(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return Hosting.State.StateStoreChoice.Open(
            parse.GetValue(GlobalOptions.State),
            parse.GetValue(GlobalOptions.StateCredential),
            Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY"));
    }

    /// <summary>The home and network of this command line (--home, --network, --rpc-url, else the environment).</summary>
    public static HostSettings Settings(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return HostSettings.Resolve(parse.GetValue(GlobalOptions.Home), parse.GetValue(GlobalOptions.Network), parse.GetValue(GlobalOptions.RpcUrl));
    }

    /// <summary>
    /// The secrets of a new slot or a backup only: the files named for it, else a prompt on a terminal.
    /// Never the environment or systemd credentials, which hold the secret that opens this vault.
    /// </summary>
    public static ISecretSource EnrolmentSecrets(CliContext context, string? passwordFile, string? pinFile)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sources = new List<ISecretSource>();
        if (CheckSecretFile(passwordFile, "--password-file") is { } password)
        {
            sources.Add(new SecretFileSource(password, SecretKind.Password));
        }

        if (CheckSecretFile(pinFile, "--pin-file") is { } pin)
        {
            sources.Add(new SecretFileSource(pin, SecretKind.Pin));
        }

        if (context.InputIsTerminal)
        {
            sources.Add(Prompt(context));
        }

        return new SecretSourceChain([.. sources]);
    }

    /// <summary>
    /// Refuses a secret file others can read before it is opened, naming the option and the fix (exit 2):
    /// a password that may already have leaked must not protect a vault.
    /// </summary>
    public static string? CheckSecretFile(string? path, string field)
    {
        if (path is null || OperatingSystem.IsWindows())
        {
            return path;
        }

        if (!File.Exists(path))
        {
            throw new InvalidInputException(field, "names no existing file");
        }

        if ((File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new InvalidInputException(field, $"must be readable by its owner only (0600 or 0400): chmod 600 {path}");
        }

        return path;
    }

    /// <summary>The secret sources of the command line (files, key file, systemd credentials, environment, terminal).</summary>
    private static SecretOptions SecretOptions(CliContext context, ParseResult parse, bool useKeyFileOption) => new()
    {
        PasswordFile = CheckSecretFile(parse.GetValue(GlobalOptions.PasswordFile), "--password-file"),
        PinFile = CheckSecretFile(parse.GetValue(GlobalOptions.PinFile), "--pin-file"),
        KeyFile = useKeyFileOption ? parse.GetValue(GlobalOptions.KeyFile) : null,
        RecoveryKeyFile = CheckSecretFile(parse.GetValue(GlobalOptions.RecoveryKeyFile), "--recovery-key-file"),
        AllowPrompt = context.InputIsTerminal,
        Terminal = Prompt(context),
        Warn = message => context.Error.WriteLine($"hsmwallet: warning: {message}"),
    };

    /// <summary>The one no-echo prompt: the process's terminal, the question on stderr.</summary>
    private static TerminalSecretSource Prompt(CliContext context) => new(PosixTerminal.StandardInputTerminal, context.Error);
}
