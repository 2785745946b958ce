using System.CommandLine;
using HsmWallet.Hosting.Application;

namespace HsmWallet.Cli.Vault;

/// <summary>
/// The unlocker options `init` and `slot add` share (INTERFACES.md "Unlocker options"), read into an
/// <see cref="UnlockerChoice"/>: the application layer (<see cref="Unlockers"/>) turns it into the provider.
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

    /// <summary>The unlocker this command line chose, as plain values; the application layer builds the provider from it.</summary>
    public UnlockerChoice Choice(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new UnlockerChoice(parse.GetValue(Unlocker))
        {
            Kdf = Kdf(parse),
            KeyFile = parse.GetValue(GlobalOptions.KeyFile),
            Module = parse.GetValue(Module),
            TokenLabel = parse.GetValue(TokenLabel),
            TokenSerial = parse.GetValue(TokenSerial),
            KeyLabel = parse.GetValue(KeyLabel),
            KeyId = parse.GetValue(KeyId),
            Mode = parse.GetValue(Mode),
            Tcti = parse.GetValue(Tcti),
            Pcrs = parse.GetValue(Pcrs),
        };
    }

    /// <summary>The --kdf-* costs of a password slot (each null one is calibrated).</summary>
    public KdfChoice Kdf(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new KdfChoice(parse.GetValue(KdfMemory), parse.GetValue(KdfIterations), parse.GetValue(KdfParallelism));
    }

    /// <summary>Tells a person at a terminal that the Argon2id calibration takes a moment.</summary>
    public static Action Calibrating(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return () =>
        {
            if (context.InputIsTerminal)
            {
                context.Error.WriteLine("hsmwallet: calibrating Argon2id (about a second)...");
            }
        };
    }
}
