using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>
/// libtss2-mu entry points: TPM wire format in and out, so stored blobs are the ones tpm2-tools
/// writes (tpm2_create -u/-r) and templates are written in the format the specification defines.
/// </summary>
internal static unsafe partial class MarshallingNative
{
    /// <summary>Tss2_MU_TPM2B_PUBLIC_Marshal: a public area to its wire form.</summary>
    [LibraryImport(TssLibraryNames.Marshalling, EntryPoint = "Tss2_MU_TPM2B_PUBLIC_Marshal")]
    public static partial uint MarshalPublic(Tpm2bPublic* source, byte* buffer, nuint bufferSize, nuint* offset);

    /// <summary>Tss2_MU_TPM2B_PUBLIC_Unmarshal: a wire-form public area into the C structure.</summary>
    [LibraryImport(TssLibraryNames.Marshalling, EntryPoint = "Tss2_MU_TPM2B_PUBLIC_Unmarshal")]
    public static partial uint UnmarshalPublic(byte* buffer, nuint bufferSize, nuint* offset, Tpm2bPublic* destination);

    /// <summary>Tss2_MU_TPMT_PUBLIC_Unmarshal: a bare template (no size prefix) into the C structure.</summary>
    [LibraryImport(TssLibraryNames.Marshalling, EntryPoint = "Tss2_MU_TPMT_PUBLIC_Unmarshal")]
    public static partial uint UnmarshalPublicArea(byte* buffer, nuint bufferSize, nuint* offset, byte* destination);

    /// <summary>Tss2_MU_TPM2B_PRIVATE_Marshal: the wrapped private area to its wire form.</summary>
    [LibraryImport(TssLibraryNames.Marshalling, EntryPoint = "Tss2_MU_TPM2B_PRIVATE_Marshal")]
    public static partial uint MarshalPrivate(Tpm2bPrivate* source, byte* buffer, nuint bufferSize, nuint* offset);

    /// <summary>Tss2_MU_TPM2B_PRIVATE_Unmarshal: a wire-form private area into the C structure.</summary>
    [LibraryImport(TssLibraryNames.Marshalling, EntryPoint = "Tss2_MU_TPM2B_PRIVATE_Unmarshal")]
    public static partial uint UnmarshalPrivate(byte* buffer, nuint bufferSize, nuint* offset, Tpm2bPrivate* destination);
}
