using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>
/// The ESAPI NV calls the audit anchor uses (tss2_esys.h): define a counter index, increment it, read it,
/// and (for tests and operators) undefine it. Outputs the library allocates go back through Esys_Free.
/// </summary>
internal static unsafe partial class EsysNvNative
{
    /// <summary>Esys_NV_DefineSpace: creates an NV index with the given public area and auth value.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_NV_DefineSpace")]
    public static partial uint DefineSpace(
        EsysContextHandle context, uint authHandle, uint session1, uint session2, uint session3,
        Tpm2bDigest* auth, Tpm2bNvPublic* publicInfo, uint* nvHandle);

    /// <summary>Esys_NV_Increment: adds one to a counter index (the first call initializes it).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_NV_Increment")]
    public static partial uint Increment(
        EsysContextHandle context, uint authHandle, uint nvIndex, uint session1, uint session2, uint session3);

    /// <summary>Esys_NV_Read: reads bytes of an NV index (a counter is 8 bytes, big-endian).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_NV_Read")]
    public static partial uint Read(
        EsysContextHandle context, uint authHandle, uint nvIndex, uint session1, uint session2, uint session3,
        ushort size, ushort offset, Tpm2bMaxNvBuffer** data);

    /// <summary>Esys_NV_UndefineSpace: deletes an NV index (owner authorization).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_NV_UndefineSpace")]
    public static partial uint UndefineSpace(
        EsysContextHandle context, uint authHandle, uint nvIndex, uint session1, uint session2, uint session3);
}

/// <summary>TPMS_NV_PUBLIC: an NV index's handle, name algorithm, attributes, policy and size.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmsNvPublic
{
    /// <summary>The index handle (0x01xxxxxx).</summary>
    public uint NvIndex;

    /// <summary>The name algorithm (SHA-256).</summary>
    public ushort NameAlgorithm;

    /// <summary>TPMA_NV bits, including the index type.</summary>
    public uint Attributes;

    /// <summary>The authorization policy (empty: none).</summary>
    public Tpm2bDigest AuthPolicy;

    /// <summary>The data size: 8 for a counter.</summary>
    public ushort DataSize;
}

/// <summary>TPM2B_NV_PUBLIC: the size-prefixed form NV_DefineSpace takes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Tpm2bNvPublic
{
    /// <summary>Marshalled size; ESAPI computes it, so zero is fine.</summary>
    public ushort Size;

    /// <summary>The public area.</summary>
    public TpmsNvPublic NvPublic;
}

/// <summary>TPM2B_MAX_NV_BUFFER: data read from an NV index (TPM2_MAX_NV_BUFFER_SIZE bytes at most).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Tpm2bMaxNvBuffer
{
    /// <summary>Bytes used in <see cref="Buffer"/>.</summary>
    public ushort Size;

    /// <summary>The data.</summary>
    public fixed byte Buffer[2048];
}
