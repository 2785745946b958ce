using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Policy;

/// <summary>
/// Serializes the read-modify-write of one policy state file across processes (CLI and MCP server), through
/// Core's one file-lock mechanism, creating the state folder owner-only on first use.
/// </summary>
internal static class PolicyProcessLock
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Takes the lock beside <paramref name="statePath"/>; dispose it to release.</summary>
    public static FileLock Acquire(string statePath)
    {
        var full = Path.GetFullPath(statePath);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            ProtectedFile.EnsurePrivateDirectory(directory);
        }

        return FileLock.Acquire(full, Timeout);
    }
}
