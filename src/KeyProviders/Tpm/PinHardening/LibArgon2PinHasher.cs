using System.Globalization;

namespace HsmWallet.KeyProviders.Tpm.PinHardening;

/// <summary>Argon2id from the reference C library: the fastest multi-lane implementation on the build hosts.</summary>
public sealed class LibArgon2PinHasher : ITpmPinHasher
{
    /// <inheritdoc/>
    public unsafe void Hash(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, TpmPinKdfCost cost, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(cost);
        cost.Validate();
        int result;
        try
        {
            fixed (byte* pinPointer = pin)
            fixed (byte* saltPointer = salt)
            fixed (byte* output = destination)
            {
                result = LibArgon2Native.Argon2idHashRaw(
                    cost.Iterations, cost.MemoryKib, cost.Parallelism,
                    pinPointer, (nuint)pin.Length, saltPointer, (nuint)salt.Length, output, (nuint)destination.Length);
            }
        }
        catch (DllNotFoundException exception)
        {
            throw new TpmUnlockException(TpmFailure.Other, "Argon2 library not installed: install the Debian package libargon2-1", innerException: exception);
        }

        if (result != LibArgon2Native.Ok)
        {
            throw new TpmUnlockException(
                TpmFailure.Other,
                string.Create(CultureInfo.InvariantCulture, $"PIN hardening (Argon2id) failed with libargon2 error {result}"));
        }
    }
}
