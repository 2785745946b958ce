using System.CommandLine;
using System.Globalization;
using HsmWallet.Core;
using HsmWallet.Core.Unlocking;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Recovery;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.Cli.Vault;

/// <summary>
/// The unlocker options `init` and `slot add` share (INTERFACES.md "Unlocker options"), and the one place
/// that turns them into the provider that enrols a new slot.
/// </summary>
internal sealed class UnlockerOptions
{
    /// <summary>Which unlocker the new slot uses.</summary>
    public Option<string> Unlocker { get; } = new("--unlocker") { Description = "password, keyfile, pkcs11 or tpm.", Required = true };

    /// <summary>Argon2id memory in MiB for a password slot.</summary>
    public Option<int?> KdfMemory { get; } = new("--kdf-memory") { Description = "Argon2id memory in MiB (default: calibrated, 64)." };

    /// <summary>Argon2id passes for a password slot.</summary>
    public Option<int?> KdfIterations { get; } = new("--kdf-iterations") { Description = "Argon2id passes (default: calibrated to about half a second)." };

    /// <summary>Argon2id lanes for a password slot.</summary>
    public Option<int?> KdfParallelism { get; } = new("--kdf-parallelism") { Description = "Argon2id lanes (default: min(4, cores))." };

    /// <summary>The PKCS#11 module of a token slot.</summary>
    public Option<string> Module { get; } = new("--module") { Description = "Absolute path of the PKCS#11 module (pkcs11)." };

    /// <summary>The token's label.</summary>
    public Option<string> TokenLabel { get; } = new("--token-label") { Description = "The token's label (pkcs11)." };

    /// <summary>The token's serial number.</summary>
    public Option<string> TokenSerial { get; } = new("--token-serial") { Description = "The token's serial number (pkcs11)." };

    /// <summary>The wrapping key's label on the token.</summary>
    public Option<string> KeyLabel { get; } = new("--key-label") { Description = "The wrapping key's label on the token (pkcs11)." };

    /// <summary>The wrapping key's CKA_ID on the token (PIV tokens).</summary>
    public Option<string> KeyId { get; } = new("--key-id") { Description = "The wrapping key's id in hex, instead of a label (pkcs11)." };

    /// <summary>How the token wraps the vault key.</summary>
    public Option<string> Mode { get; } = new("--mode") { Description = "aes-gcm (HSMs, default), ecies (PIV tokens) or rsa-oaep (pkcs11)." };

    /// <summary>The TPM connection.</summary>
    public Option<string> Tcti { get; } = new("--tcti") { Description = "The TPM TCTI (default $HSMWALLET_TPM_TCTI, else device:/dev/tpmrm0)." };

    /// <summary>PCRs a TPM slot is bound to.</summary>
    public Option<string> Pcrs { get; } = new("--pcrs") { Description = "sha256 PCRs to bind a TPM slot to, e.g. 7,11." };

    /// <summary>Adds every unlocker option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { Unlocker, KdfMemory, KdfIterations, KdfParallelism, Module, TokenLabel, TokenSerial, KeyLabel, KeyId, Mode, Tcti, Pcrs })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the provider that enrols the new slot; <paramref name="allowRecovery"/> admits `recovery` (slot add).</summary>
    public IKeyProvider CreateProvider(ParseResult parse, CliContext context, string defaultKeyFile, bool allowRecovery)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(context);
        var kind = parse.GetValue(Unlocker);
        return kind switch
        {
            PasswordKeyProvider.KindName => CreatePasswordProvider(parse, context),
            KeyFileKeyProvider.KindName => new KeyFileKeyProvider(parse.GetValue(GlobalOptions.KeyFile) ?? defaultKeyFile),
            Pkcs11KeyProvider.KindName => new Pkcs11KeyProvider(new Pkcs11SlotConfiguration(
                parse.GetValue(Module) ?? throw new InvalidInputException("--module", "is needed for a pkcs11 slot"),
                parse.GetValue(TokenLabel),
                parse.GetValue(TokenSerial),
                parse.GetValue(KeyLabel),
                parse.GetValue(KeyId),
                Pkcs11WrapModeNames.Parse(parse.GetValue(Mode) ?? "aes-gcm"))),
            TpmKeyProvider.KindName => new TpmKeyProvider(parse.GetValue(Tcti), ParsePcrs(parse.GetValue(Pcrs))),
            RecoveryKeyProvider.KindName when allowRecovery => new RecoveryKeyProvider(),
            _ => throw new InvalidInputException("--unlocker", allowRecovery
                ? "must be password, keyfile, pkcs11, tpm or recovery"
                : "must be password, keyfile, pkcs11 or tpm"),
        };
    }

    /// <summary>A password provider with the --kdf-* costs, calibrated where they are not given.</summary>
    public PasswordKeyProvider CreatePasswordProvider(ParseResult parse, CliContext context) => new(PasswordCosts(parse, context));

    private Argon2Parameters PasswordCosts(ParseResult parse, CliContext context)
    {
        var memory = parse.GetValue(KdfMemory);
        var iterations = parse.GetValue(KdfIterations);
        var parallelism = parse.GetValue(KdfParallelism);
        if (memory is { } mib && (mib < Argon2Parameters.MinimumMemoryKib / 1024 || mib > Argon2Parameters.MaximumMemoryKib / 1024))
        {
            throw new InvalidInputException("--kdf-memory", $"must be {Argon2Parameters.MinimumMemoryKib / 1024} to {Argon2Parameters.MaximumMemoryKib / 1024} MiB");
        }

        if (iterations is { } passes && (passes < 1 || passes > Argon2Parameters.MaximumIterations))
        {
            throw new InvalidInputException("--kdf-iterations", $"must be 1 to {Argon2Parameters.MaximumIterations}");
        }

        if (parallelism is { } lanes && (lanes < 1 || lanes > Argon2Parameters.MaximumParallelism))
        {
            throw new InvalidInputException("--kdf-parallelism", $"must be 1 to {Argon2Parameters.MaximumParallelism}");
        }

        if (memory is not null && iterations is not null && parallelism is not null)
        {
            return new Argon2Parameters(memory.Value * 1024, iterations.Value, parallelism.Value);
        }

        if (context.InputIsTerminal)
        {
            context.Error.WriteLine("hsmwallet: calibrating Argon2id (about a second)...");
        }

        var calibrated = Argon2Calibration.Calibrate();
        return new Argon2Parameters(
            memory is { } mebibytes ? mebibytes * 1024 : calibrated.MemoryKib,
            iterations ?? calibrated.Iterations,
            parallelism ?? calibrated.Parallelism);
    }

    private static int[] ParsePcrs(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var pcrs = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pcr) || pcr > 23)
            {
                throw new InvalidInputException("--pcrs", "must be a comma-separated list of PCR numbers 0 to 23");
            }

            pcrs.Add(pcr);
        }

        return [.. pcrs];
    }
}
