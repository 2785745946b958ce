using System.Text;

namespace HsmWallet.Core.Policy;

/// <summary>
/// Writes and reads the policy's own files (policy.json, state files) so a crash never leaves half a
/// file and no other user can read or replace them: temp file, fsync, rename, fsync of the directory,
/// mode 0600, and reads refuse group/other permissions or a foreign owner. Kept internal until it is
/// unified with the vault's writer.
/// </summary>
internal static class PolicyFileStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Loose = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> atomically, owner-only.</summary>
    public static void WriteAtomic(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new InvalidInputException(nameof(path), "must name a file in a directory");
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = OwnerOnly,
            };
            using (var stream = new FileStream(temp, options))
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            SyncDirectory(directory);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Reads <paramref name="path"/> after checking it is owner-only and ours; null when absent.</summary>
    public static string? ReadChecked(string path, string field)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        CheckOwnerOnly(path, field);
        return File.ReadAllText(path, Encoding.UTF8);
    }

    /// <summary>Refuses a file that group or others can touch, or that another user owns.</summary>
    public static void CheckOwnerOnly(string path, string field)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & Loose) != 0)
        {
            throw new InvalidInputException(field, "file must be readable and writable by its owner only (0600)");
        }

        try
        {
            // Only a file's owner may change its mode, so re-applying the same mode proves ownership.
            File.SetUnixFileMode(path, mode);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new InvalidInputException(field, "file must be owned by the user running HsmWallet", exception);
        }
    }

    private static void SyncDirectory(string directory)
    {
        try
        {
            using var handle = File.OpenHandle(directory, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        catch (UnauthorizedAccessException)
        {
            // Some file systems refuse to open a directory; the rename is still atomic there.
        }
        catch (IOException)
        {
            // As above: the directory fsync is best effort where the platform does not allow it.
        }
    }
}
