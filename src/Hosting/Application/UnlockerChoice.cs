using System.Globalization;
using HsmWallet.Core;
using HsmWallet.Core.Unlocking;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Recovery;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.Hosting.Application;

/// <summary>The Argon2id costs an operator chose for a new password slot; each one left null is calibrated on this machine.</summary>
/// <param name="MemoryMib">Memory in MiB, or null.</param>
/// <param name="Iterations">Passes, or null.</param>
/// <param name="Parallelism">Lanes, or null.</param>
public sealed record KdfChoice(int? MemoryMib = null, int? Iterations = null, int? Parallelism = null);

/// <summary>
/// Which unlocker a new slot (or a backup) is enrolled with, as a front end read it from its options: plain values
/// only, so a front end never constructs an unlocker itself; <see cref="Unlockers"/> turns it into one.
/// </summary>
/// <param name="Kind">password, keyfile, pkcs11, tpm or recovery.</param>
public sealed record UnlockerChoice(string? Kind)
{
    /// <summary>The Argon2id costs of a password slot.</summary>
    public KdfChoice Kdf { get; init; } = new();

    /// <summary>The key file of a key-file slot, or null for the default path.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The PKCS#11 module (absolute path) of a token slot.</summary>
    public string? Module { get; init; }

    /// <summary>The token's label.</summary>
    public string? TokenLabel { get; init; }

    /// <summary>The token's serial number.</summary>
    public string? TokenSerial { get; init; }

    /// <summary>The wrapping key's label on the token.</summary>
    public string? KeyLabel { get; init; }

    /// <summary>The wrapping key's id in hex (PIV tokens).</summary>
    public string? KeyId { get; init; }

    /// <summary>How the token wraps the vault key (aes-gcm, ecies, rsa-oaep); aes-gcm when null.</summary>
    public string? Mode { get; init; }

    /// <summary>The TPM connection, or null for the default.</summary>
    public string? Tcti { get; init; }

    /// <summary>The sha256 PCRs a TPM slot is bound to, comma-separated ("7,11"), or null for none.</summary>
    public string? Pcrs { get; init; }
}

/// <summary>
/// The one place a front end's choice becomes an unlocker (IKeyProvider): the CLI's options and a backup's password
/// are turned into providers here, in the application layer, never in a front end. Bad values name the field.
/// </summary>
public static class Unlockers
{
    /// <summary>A password unlocker with the chosen Argon2id costs, calibrated where not given; <paramref name="calibrating"/> hears before a calibration.</summary>
    public static IKeyProvider Password(KdfChoice kdf, Action? calibrating = null) => new PasswordKeyProvider(PasswordCosts(kdf, calibrating));

    /// <summary>The unlocker of a vault's recovery-key slot.</summary>
    public static IKeyProvider Recovery() => new RecoveryKeyProvider();

    /// <summary>True when <paramref name="provider"/> is a password unlocker (its secret is the password, else a PIN).</summary>
    public static bool IsPassword(IKeyProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Kind == PasswordKeyProvider.KindName;
    }

    /// <summary>
    /// The unlocker <paramref name="choice"/> names; a key-file slot's file is <paramref name="defaultKeyFile"/> unless
    /// chosen; <paramref name="allowRecovery"/> admits recovery (adding a slot, not creating a vault).
    /// </summary>
    public static IKeyProvider Create(UnlockerChoice choice, string defaultKeyFile, bool allowRecovery, Action? calibrating = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Kind switch
        {
            PasswordKeyProvider.KindName => Password(choice.Kdf, calibrating),
            KeyFileKeyProvider.KindName => new KeyFileKeyProvider(choice.KeyFile ?? defaultKeyFile),
            Pkcs11KeyProvider.KindName => new Pkcs11KeyProvider(new Pkcs11SlotConfiguration(
                choice.Module ?? throw new InvalidInputException("module", "is needed for a pkcs11 slot"),
                choice.TokenLabel,
                choice.TokenSerial,
                choice.KeyLabel,
                choice.KeyId,
                Pkcs11WrapModeNames.Parse(choice.Mode ?? "aes-gcm"))),
            TpmKeyProvider.KindName => new TpmKeyProvider(choice.Tcti, ParsePcrs(choice.Pcrs)),
            RecoveryKeyProvider.KindName when allowRecovery => new RecoveryKeyProvider(),
            _ => throw new InvalidInputException("unlocker", allowRecovery
                ? "must be password, keyfile, pkcs11, tpm or recovery"
                : "must be password, keyfile, pkcs11 or tpm"),
        };
    }

    private static Argon2Parameters PasswordCosts(KdfChoice kdf, Action? calibrating)
    {
        ArgumentNullException.ThrowIfNull(kdf);
        if (kdf.MemoryMib is { } mib && (mib < Argon2Parameters.MinimumMemoryKib / 1024 || mib > Argon2Parameters.MaximumMemoryKib / 1024))
        {
            throw new InvalidInputException("kdf_memory", $"must be {Argon2Parameters.MinimumMemoryKib / 1024} to {Argon2Parameters.MaximumMemoryKib / 1024} MiB");
        }

        if (kdf.Iterations is { } passes && (passes < 1 || passes > Argon2Parameters.MaximumIterations))
        {
            throw new InvalidInputException("kdf_iterations", $"must be 1 to {Argon2Parameters.MaximumIterations}");
        }

        if (kdf.Parallelism is { } lanes && (lanes < 1 || lanes > Argon2Parameters.MaximumParallelism))
        {
            throw new InvalidInputException("kdf_parallelism", $"must be 1 to {Argon2Parameters.MaximumParallelism}");
        }

        if (kdf is { MemoryMib: { } memory, Iterations: { } iterations, Parallelism: { } parallelism })
        {
            return new Argon2Parameters(memory * 1024, iterations, parallelism);
        }

        calibrating?.Invoke();
        var calibrated = Argon2Calibration.Calibrate();
        return new Argon2Parameters(
            kdf.MemoryMib is { } mebibytes ? mebibytes * 1024 : calibrated.MemoryKib,
            kdf.Iterations ?? calibrated.Iterations,
            kdf.Parallelism ?? calibrated.Parallelism);
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
                throw new InvalidInputException("pcrs", "must be a comma-separated list of PCR numbers 0 to 23");
            }

            pcrs.Add(pcr);
        }

        return [.. pcrs];
    }
}
