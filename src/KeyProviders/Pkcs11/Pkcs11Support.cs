using System.Diagnostics.CodeAnalysis;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Whether this build can talk to a PKCS#11 module. The .NET tool builds can; the native AOT binaries cannot yet:
/// Pkcs11Interop binds the module's functions through Marshal.GetDelegateForFunctionPointer(Type) and marshals its
/// structures through PtrToStructure(Type), which the AOT compiler cannot prepare (measured: every call fails after
/// the module loads). The AOT publish turns this switch off, so that code is left out of the binary and a PKCS#11
/// slot is refused with a message saying which build to install, never half-run.
/// </summary>
internal static class Pkcs11Support
{
    /// <summary>The AppContext switch the native AOT publish sets to false (src/McpServer and tools/Cli projects).</summary>
    internal const string Switch = "HsmWallet.KeyProviders.Pkcs11.IsSupported";

    /// <summary>The refusal a PKCS#11 slot gets in a build without PKCS#11.</summary>
    internal const string Unsupported = "PKCS#11 is not available in the native AOT build of HsmWallet; install the .NET tool packages (dotnet tool install HsmWallet.McpServer / HsmWallet.Cli) to use a PKCS#11 token";

    /// <summary>True unless the build turned PKCS#11 off (then the compiler removes every path that would load a module).</summary>
    [FeatureSwitchDefinition(Switch)]
    internal static bool IsSupported => !AppContext.TryGetSwitch(Switch, out var enabled) || enabled;
}
