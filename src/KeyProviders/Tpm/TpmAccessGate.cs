using System.Collections.Concurrent;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// One lock per TCTI for the whole process: a TPM without a resource manager (swtpm's socket, or
/// /dev/tpm0) serves one connection at a time and has few slots, so operations must not overlap.
/// </summary>
internal static class TpmAccessGate
{
    private static readonly ConcurrentDictionary<string, Lock> Gates = new(StringComparer.Ordinal);

    /// <summary>Returns the lock for a TCTI configuration string.</summary>
    public static Lock For(string tcti) => Gates.GetOrAdd(tcti, static _ => new Lock());
}
