using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.PinHardening;

/// <summary>The one entry point of the reference Argon2 library (Debian libargon2-1) the PIN hardening needs.</summary>
internal static unsafe partial class LibArgon2Native
{
    /// <summary>ARGON2_OK.</summary>
    public const int Ok = 0;

    /// <summary>argon2id_hash_raw: raw Argon2id output, no encoding (m_cost in KiB).</summary>
    [LibraryImport("libargon2.so.1", EntryPoint = "argon2id_hash_raw")]
    public static partial int Argon2idHashRaw(
        uint timeCost, uint memoryCostKib, uint parallelism,
        byte* password, nuint passwordLength, byte* salt, nuint saltLength, byte* hash, nuint hashLength);
}
