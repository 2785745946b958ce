using System.CommandLine;
using HsmWallet.Cli.Output;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.Terminal;

namespace HsmWallet.Cli.Vault;

/// <summary>
/// Opens the vault of the home a command line names, with the secret options of that line: one place
/// for --home, --network and the secret sources, so every vault verb unlocks the same way.
/// </summary>
internal sealed class VaultAccess
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly CliContext _context;
    private readonly ParseResult _parse;

    private VaultAccess(CliContext context, ParseResult parse, WalletVault vault)
    {
        _context = context;
        _parse = parse;
        Vault = vault;
        Audit = new AuditSession(vault, AuditAnchorChoice.ForSlots) { KeyCreationUnlock = Unlock };
    }

    /// <summary>The vault of the chosen home.</summary>
    public WalletVault Vault { get; }

    /// <summary>
    /// The home's audit log: it takes the key from the command's own unlock; the signing use case and the
    /// command runner append through it.
    /// </summary>
    public AuditSession Audit { get; }

    /// <summary>Resolves the home (creating it 0700 when absent) and binds the standard unlockers.</summary>
    public static VaultAccess Open(CliContext context, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var home = WalletHome.Open(parse.GetValue(GlobalOptions.Home));
        var access = new VaultAccess(context, parse, new WalletVault(home, StandardKeyProviders.CreateRegistry()));
        CommandRunner.AttachAudit(access.Audit, access.Unlock);
        return access;
    }

    /// <summary>The network named by --network or $HSMWALLET_NETWORK, testnet by default.</summary>
    public static string Network(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var name = parse.GetValue(GlobalOptions.Network) ?? Environment.GetEnvironmentVariable("HSMWALLET_NETWORK");
        if (string.IsNullOrEmpty(name))
        {
            return "testnet";
        }

        return name is "mainnet" or "testnet" or "devnet"
            ? name
            : throw new InvalidInputException("--network", "must be mainnet, testnet or devnet");
    }

    /// <summary>How to unlock: the secret options of the command line, then prompts when a person is typing.</summary>
    public UnlockOptions Unlock() => new(Secrets(), _parse.GetValue(GlobalOptions.Slot));

    /// <summary>
    /// How to unlock when --key-file names a new slot's file (`slot add --unlocker keyfile`): existing key-file
    /// slots then open with the files recorded in them.
    /// </summary>
    public UnlockOptions UnlockWithRecordedKeyFiles() => new(Secrets(useKeyFileOption: false), _parse.GetValue(GlobalOptions.Slot));

    /// <summary>The secret sources of the command line (files, key file, systemd credentials, environment, terminal).</summary>
    public ISecretSource Secrets(bool useKeyFileOption = true) =>
        SecretSourceChain.ForHost(new SecretOptions
        {
            PasswordFile = CheckSecretFile(_parse.GetValue(GlobalOptions.PasswordFile), "--password-file"),
            PinFile = CheckSecretFile(_parse.GetValue(GlobalOptions.PinFile), "--pin-file"),
            KeyFile = useKeyFileOption ? _parse.GetValue(GlobalOptions.KeyFile) : null,
            RecoveryKeyFile = CheckSecretFile(_parse.GetValue(GlobalOptions.RecoveryKeyFile), "--recovery-key-file"),
            AllowPrompt = _context.InputIsTerminal,
            Terminal = Prompt(),
            Warn = message => _context.Error.WriteLine($"hsmwallet: warning: {message}"),
        });

    /// <summary>
    /// The secrets of a new slot or a backup only: the files named for it, else a prompt on a terminal.
    /// Never the environment or systemd credentials, which hold the secret that opens this vault.
    /// </summary>
    public ISecretSource EnrolmentSecrets(string? passwordFile, string? pinFile)
    {
        var sources = new List<ISecretSource>();
        if (CheckSecretFile(passwordFile, "--password-file") is { } password)
        {
            sources.Add(new SecretFileSource(password, SecretKind.Password));
        }

        if (CheckSecretFile(pinFile, "--pin-file") is { } pin)
        {
            sources.Add(new SecretFileSource(pin, SecretKind.Pin));
        }

        if (_context.InputIsTerminal)
        {
            sources.Add(Prompt());
        }

        return new SecretSourceChain([.. sources]);
    }

    /// <summary>The no-echo prompt on the terminal the operator types on, shown on stderr.</summary>
    private TerminalSecretSource Prompt() => new(PosixTerminal.StandardInputTerminal, _context.Error);

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
}
