using System.Globalization;
using HsmWallet.KeyProviders.Argon2;

namespace HsmWallet.KeyProviders.Tpm.PinHardening;

/// <summary>
/// Argon2id from the reference C library, through the same binding as the vault password's KDF
/// (<see cref="LibArgon2"/>): the fastest multi-lane implementation on the build hosts.
/// </summary>
public sealed class LibArgon2PinHasher : ITpmPinHasher
{
    /// <inheritdoc/>
    public void Hash(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, TpmPinKdfCost cost, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(cost);
        cost.Validate();
        int result;
        try
        {
            result = LibArgon2.HashRaw(cost.Iterations, cost.MemoryKib, cost.Parallelism, pin, salt, destination);
        }
        catch (DllNotFoundException exception)
        {
            throw new TpmUnlockException(TpmFailure.Other, "Argon2 library not installed: install the Debian package libargon2-1", innerException: exception);
        }

        if (result != LibArgon2.Ok)
        {
            throw new TpmUnlockException(
                TpmFailure.Other,
                string.Create(CultureInfo.InvariantCulture, $"PIN hardening (Argon2id) failed with libargon2 error {result}"));
        }
    }
}
