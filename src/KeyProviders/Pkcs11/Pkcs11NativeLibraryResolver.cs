using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Maps Pkcs11Interop's request for "libdl" to glibc's "libdl.so.2": Debian 12 ships no plain
/// libdl.so, so without this every module load fails with DllNotFoundException (Pkcs11Interop issue 239).
/// </summary>
internal static class Pkcs11NativeLibraryResolver
{
    private static int installed;

    /// <summary>Installs the resolver once, as soon as this assembly loads.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The resolver must be in place before any Pkcs11Interop call, whichever entry point runs first.")]
    internal static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host installed its own resolver for Pkcs11Interop first; it takes precedence.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == "libdl" && OperatingSystem.IsLinux()
            && NativeLibrary.TryLoad("libdl.so.2", assembly, searchPath, out var handle))
        {
            return handle;
        }

        return IntPtr.Zero;
    }
}
