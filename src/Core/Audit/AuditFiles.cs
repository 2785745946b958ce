using System.Globalization;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The audit folder's layout (audit-000001.jsonl..., head.json, audit.lock) and the few durable
/// file operations the writer needs: owner-only creation, atomic replace, directory fsync.
/// </summary>
internal static class AuditFiles
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
            if (LogNumberOf(Path.GetFileName(path)) is var number and > 0)
            {
                files.Add((number, path));
            }
        }

        files.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return files;
    }

    /// <summary>The number of a log file's name (audit-NNNNNN.jsonl), or 0 when the name is not one.</summary>
    public static int LogNumberOf(string name)
    {
        if (!name.StartsWith(LogPrefix, StringComparison.Ordinal) || !name.EndsWith(LogSuffix, StringComparison.Ordinal)
            || name.Length < LogPrefix.Length + LogSuffix.Length + 6)
        {
            return 0;
        }

        var digits = name.AsSpan(LogPrefix.Length, name.Length - LogPrefix.Length - LogSuffix.Length);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : 0;
    }

    public static void EnsureDirectory(string folder)
    {
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnlyDirectory);
            FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        }
    }

    /// <summary>
    /// Refuses (never repairs) an audit folder, log file or head record that is a link, belongs to another user,
    /// or is open to group or others: the log is evidence, so a loose mode stops the operation with the chmod fix.
    /// </summary>
    public static void CheckPrivate(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        try
        {
            ProtectedFile.CheckDirectory(folder);
            foreach (var (_, path) in ListLogFiles(folder))
            {
                ProtectedFile.CheckPrivateFile(path);
            }

            var head = Path.Combine(folder, HeadFileName);
            if (File.Exists(head) || new FileInfo(head).LinkTarget is not null)
            {
                ProtectedFile.CheckPrivateFile(head);
            }
        }
        catch (UnsafeFilePermissionsException exception)
        {
            throw new AuditWriteException("audit: " + exception.Message, exception);
        }
    }

    /// <summary>Replaces a file so a crash leaves the old or the new content, never a mix (Core's one atomic writer).</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content) => ProtectedFile.WriteAtomic(path, content);

    /// <summary>The same, with the folder's fsync (which makes the rename itself durable) only when <paramref name="syncFolder"/>.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content, bool syncFolder) =>
        ProtectedFile.WriteAtomic(path, content, 16 * 1024 * 1024, syncFile: true, syncFolder: syncFolder);

    /// <summary>Makes a directory's entries (a new or renamed file) durable.</summary>
    public static void FsyncDirectory(string directory) => UnixFiles.SyncDirectory(directory);

    /// <summary>Opens a log file the one way every appender does: at its end, created owner-only when new, readers not shut out, unbuffered.</summary>
    public static FileStream OpenLogForAppend(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.ReadWrite,
        UnixCreateMode = OwnerOnlyFile,
        BufferSize = 0,
    });

    /// <summary>
    /// Appends <paramref name="line"/> to the log opened by <see cref="OpenLogForAppend"/>: one write, or two under the
    /// crash harness (WriteFaults) so it can die with a torn last line.
    /// </summary>
    public static void AppendLine(FileStream stream, string path, ReadOnlySpan<byte> line)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteFaults.Step("before the line is appended", path);
        if (WriteFaults.Enabled)
        {
            stream.Write(line[..(line.Length / 2)]);
            WriteFaults.Step("line half appended", path);
            stream.Write(line[(line.Length / 2)..]);
        }
        else
        {
            stream.Write(line);
        }
    }
}
