using System.Security.Cryptography;
using System.Text;

namespace HsmWallet.KeyProviders.Tpm.PinHardening;

/// <summary>
/// The systemd-cryptenroll-style split: Argon2id(PIN, salt) gives 64 bytes; the first 32 are the
/// TPM auth value, the last 32 never reach the TPM and are mixed with the sealed secret by HKDF, so
/// neither the TPM alone (without the PIN) nor the PIN alone (without the TPM) yields the vault key.
/// </summary>
internal static class TpmPinKeyMixing
{
    /// <summary>Bytes of the TPM auth value and of the mixing half.</summary>
    public const int HalfLength = 32;

    /// <summary>Bytes of the random secret sealed in the TPM and of the vault key.</summary>
    public const int SecretLength = 32;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes("HsmWallet TPM slot v1: vault key mask");

    /// <summary>
    /// Splits Argon2id(PIN) into the auth value and the mixing half. The TPM drops trailing zero
    /// bytes of auth values, so the auth value's last byte is forced odd (one bit less, same for every tool).
    /// </summary>
    public static void DerivePinHalves(
        ITpmPinHasher hasher, ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, TpmPinKdfCost cost, Span<byte> authValue, Span<byte> mixingHalf)
    {
        Span<byte> output = stackalloc byte[2 * HalfLength];
        try
        {
            hasher.Hash(pin, salt, cost, output);
            output[..HalfLength].CopyTo(authValue);
            authValue[HalfLength - 1] |= 0x01;
            output[HalfLength..].CopyTo(mixingHalf);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output);
        }
    }

    /// <summary>
    /// The 32-byte mask HKDF-SHA256(sealed secret || mixing half); vault key = mask XOR masked key.
    /// Without a PIN the mixing half is empty and the mask depends on the sealed secret alone.
    /// </summary>
    public static void Mask(ReadOnlySpan<byte> sealedSecret, ReadOnlySpan<byte> mixingHalf, Span<byte> mask)
    {
        Span<byte> inputKey = stackalloc byte[SecretLength + HalfLength];
        try
        {
            sealedSecret.CopyTo(inputKey);
            mixingHalf.CopyTo(inputKey[sealedSecret.Length..]);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey[..(sealedSecret.Length + mixingHalf.Length)], mask, salt: [], Info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inputKey);
        }
    }

    /// <summary>destination = left XOR right.</summary>
    public static void Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(left[i] ^ right[i]);
        }
    }
}
