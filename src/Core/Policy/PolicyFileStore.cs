using System.Text;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Policy;

/// <summary>
/// The policy, counters and signing-state files through Core's one owner-only file layer
/// (<see cref="ProtectedFile"/>), with errors phrased for the field the operator has to fix.
/// </summary>
internal static class PolicyFileStore
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> atomically, owner-only.</summary>
    public static void WriteAtomic(string path, string text) => WriteAtomic(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically, owner-only.</summary>
    public static void WriteAtomic(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new InvalidInputException(nameof(path), "must name a file in a directory");
        if (!Directory.Exists(directory))
        {
            ProtectedFile.EnsurePrivateDirectory(directory);
        }

        ProtectedFile.WriteAtomic(path, content);
    }

    /// <summary>Reads <paramref name="path"/> after checking it is owner-only and ours; null when absent.</summary>
    public static string? ReadChecked(string path, string field)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(ProtectedFile.ReadAllBytes(path));
        }
        catch (UnsafeFilePermissionsException exception)
        {
            throw new InvalidInputException(field, $"file must be readable and writable by its owner only (0600): {exception.Fix}", exception);
        }
    }
}
