namespace HsmWallet.KeyProviders.Tpm.PinHardening;

/// <summary>
/// The Argon2id seam for PIN hardening, so the engine does not care which implementation runs
/// (the reference libargon2 by default, bound once in Argon2/LibArgon2.cs with the vault password's KDF).
/// </summary>
public interface ITpmPinHasher
{
    /// <summary>Writes Argon2id(pin, salt, memory, iterations, parallelism) into <paramref name="destination"/> (64 bytes here).</summary>
    void Hash(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, TpmPinKdfCost cost, Span<byte> destination);
}
