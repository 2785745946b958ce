using HsmWallet.Core;

namespace HsmWallet.KeyProviders.Tpm.PinHardening;

/// <summary>Argon2id cost parameters for the PIN, stored with the slot so unsealing repeats them exactly.</summary>
/// <param name="MemoryKib">Memory in KiB.</param>
/// <param name="Iterations">Passes over memory.</param>
/// <param name="Parallelism">Lanes.</param>
public sealed record TpmPinKdfCost(uint MemoryKib, uint Iterations, uint Parallelism)
{
    /// <summary>
    /// OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): the TPM's dictionary-attack lockout is the
    /// first guard; Argon2id slows guessing only if the sealed secret ever leaves the TPM, and keeps unlock fast.
    /// </summary>
    public static TpmPinKdfCost Default { get; } = new(19 * 1024, 2, 1);

    /// <summary>Throws unless the parameters are ones Argon2id accepts and a host can afford.</summary>
    public void Validate()
    {
        if (Parallelism is < 1 or > 16)
        {
            throw new InvalidInputException("pin_kdf.parallelism", "must be between 1 and 16");
        }

        if (MemoryKib < 8 * Parallelism || MemoryKib > 4 * 1024 * 1024)
        {
            throw new InvalidInputException("pin_kdf.memory_kib", "must be at least 8 KiB per lane and at most 4 GiB");
        }

        if (Iterations is < 1 or > 100)
        {
            throw new InvalidInputException("pin_kdf.iterations", "must be between 1 and 100");
        }
    }
}
