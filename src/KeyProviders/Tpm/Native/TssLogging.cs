using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>
/// Silences tpm2-tss logging unless the operator asked for it: ESAPI otherwise writes warnings to
/// stderr (which an MCP server keeps for protocol-free logs) on every refused PIN.
/// </summary>
internal static partial class TssLogging
{
    private static int applied;

    /// <summary>Sets TSS2_LOG=all+NONE in the C environment once, before the libraries first log.</summary>
    public static void EnsureQuietUnlessConfigured()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("TSS2_LOG") is null)
        {
            _ = SetEnvironmentVariable("TSS2_LOG", "all+NONE", 0);
        }
    }

    [LibraryImport(TssLibraryNames.C, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironmentVariable(string name, string value, int overwrite);
}
