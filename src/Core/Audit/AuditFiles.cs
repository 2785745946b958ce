using System.Globalization;
using System.Runtime.InteropServices;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The audit folder's layout (audit-000001.jsonl..., head.json, audit.lock) and the few durable
/// file operations the writer needs: owner-only creation, atomic replace, directory fsync.
/// </summary>
internal static partial class AuditFiles
{
    public const string HeadFileName = "head.json";
    public const string LockFileName = "audit.lock";
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const string LogPrefix = "audit-";
    private const string LogSuffix = ".jsonl";

    public static string LogFileName(int number) =>
        LogPrefix + number.ToString("D6", CultureInfo.InvariantCulture) + LogSuffix;

    /// <summary>The log files in chain order, by number; names that do not match are ignored.</summary>
    public static List<(int Number, string Path)> ListLogFiles(string folder)
    {
        var files = new List<(int, string)>();
        if (!Directory.Exists(folder))
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(folder, LogPrefix + "*" + LogSuffix))
        {
            var name = Path.GetFileName(path);
            var digits = name.AsSpan(LogPrefix.Length, name.Length - LogPrefix.Length - LogSuffix.Length);
            if (digits.Length >= 6 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                files.Add((number, path));
            }
        }

        files.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return files;
    }

    public static void EnsureDirectory(string folder)
    {
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnlyDirectory);
            FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        }
    }

    /// <summary>Replaces a file so a crash leaves the old or the new content, never a mix: temp, fsync, rename, fsync dir.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = OwnerOnlyFile,
            }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        FsyncDirectory(directory);
    }

    /// <summary>Makes a directory's entries (a new or renamed file) durable.</summary>
    public static void FsyncDirectory(string directory)
    {
        const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux.
        var descriptor = Open(directory, ReadOnlyDirectory);
        if (descriptor < 0)
        {
            throw new IOException("audit: cannot open the directory to sync it", Marshal.GetLastPInvokeError());
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException("audit: cannot sync the directory", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
