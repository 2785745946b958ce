using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>The two libtss2-tctildr entry points: open a transport from its configuration string, close it.</summary>
internal static partial class TctiLoaderNative
{
    /// <summary>Tss2_TctiLdr_Initialize: loads the TCTI named by "name:conf" and connects.</summary>
    [LibraryImport(TssLibraryNames.TctiLoader, EntryPoint = "Tss2_TctiLdr_Initialize", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint Initialize(string nameConfiguration, out TctiContextHandle context);

    /// <summary>Tss2_TctiLdr_Finalize: disconnects and frees the context.</summary>
    [LibraryImport(TssLibraryNames.TctiLoader, EntryPoint = "Tss2_TctiLdr_Finalize")]
    public static partial void Finalize(ref IntPtr context);
}
