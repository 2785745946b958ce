using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>TPM2B_DIGEST (also TPM2B_AUTH and TPM2B_NONCE): a size and up to 64 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Tpm2bDigest
{
    /// <summary>Bytes used in <see cref="Buffer"/>.</summary>
    public ushort Size;

    /// <summary>The digest, auth value or nonce.</summary>
    public fixed byte Buffer[64];
}

/// <summary>TPM2B_DATA: outside information bound into creation data (left empty here).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Tpm2bData
{
    /// <summary>Bytes used in <see cref="Buffer"/>.</summary>
    public ushort Size;

    /// <summary>The data.</summary>
    public fixed byte Buffer[64];
}

/// <summary>TPM2B_SENSITIVE_DATA: the secret of a sealed data object.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Tpm2bSensitiveData
{
    /// <summary>Bytes used in <see cref="Buffer"/>.</summary>
    public ushort Size;

    /// <summary>The sealed bytes (TPM2_MAX_SYM_DATA).</summary>
    public fixed byte Buffer[256];
}

/// <summary>TPMS_SENSITIVE_CREATE: the auth value and data given to a new object.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmsSensitiveCreate
{
    /// <summary>The object's auth value (the PIN-derived half).</summary>
    public Tpm2bDigest UserAuth;

    /// <summary>The data to seal.</summary>
    public Tpm2bSensitiveData Data;
}

/// <summary>TPM2B_SENSITIVE_CREATE: the size-prefixed form Create and CreatePrimary take.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Tpm2bSensitiveCreate
{
    /// <summary>Marshalled size; ESAPI computes it, so zero is fine.</summary>
    public ushort Size;

    /// <summary>The auth value and data.</summary>
    public TpmsSensitiveCreate Sensitive;
}

/// <summary>
/// TPM2B_PUBLIC: a size and a TPMT_PUBLIC. The public area is kept opaque and filled or read through
/// libtss2-mu, so the union-heavy TPMT_PUBLIC needs no hand-written layout (its payload sits at 4).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 616)]
internal unsafe struct Tpm2bPublic
{
    /// <summary>Marshalled size of the public area.</summary>
    [FieldOffset(0)]
    public ushort Size;

    /// <summary>The TPMT_PUBLIC, as the C compiler lays it out.</summary>
    [FieldOffset(4)]
    public fixed byte PublicArea[612];
}

/// <summary>TPM2B_PRIVATE: the private area wrapped by the parent (integrity and encryption).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Tpm2bPrivate
{
    /// <summary>Bytes used in <see cref="Buffer"/>.</summary>
    public ushort Size;

    /// <summary>The wrapped private area.</summary>
    public fixed byte Buffer[1550];
}

/// <summary>TPMT_SYM_DEF: the symmetric algorithm for session parameter encryption.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmtSymDef
{
    /// <summary>TPM2_ALG_AES, or TPM2_ALG_NULL for none.</summary>
    public ushort Algorithm;

    /// <summary>Key size in bits.</summary>
    public ushort KeyBits;

    /// <summary>TPM2_ALG_CFB, the only mode parameter encryption allows.</summary>
    public ushort Mode;
}
