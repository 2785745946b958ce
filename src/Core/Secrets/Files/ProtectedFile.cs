using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace HsmWallet.Core.Secrets.Files;

/// <summary>
/// The one place that reads and writes the wallet's private files (vault, state, policy, audit, key and
/// secret files): owner-only permissions checked on every read, atomic and durable replacement on every
/// write (temporary file, fsync, rename, fsync of the folder), so a crash leaves the old or the new file.
/// </summary>
public static class ProtectedFile
{
    /// <summary>Permissions of every file the wallet writes: owner read and write only (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Permissions of every folder the wallet creates: owner only (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const string TemporaryMarker = ".tmp-";
    private const int DefaultMaximumLength = 16 * 1024 * 1024;
    private const int SecretMaximumLength = 64 * 1024;

    /// <summary>Reads a private file (vault, state, policy) after checking it is a regular file, ours, and 0600 or stricter.</summary>
    public static byte[] ReadAllBytes(string path, int maximumLength = DefaultMaximumLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RefuseSymbolicLink(path);
        using var handle = File.OpenHandle(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read);
        CheckFile(handle, path);
        var length = CheckedLength(handle, path, maximumLength);
        var content = new byte[length];
        ReadExactly(handle, content, path);
        return content;
    }

    /// <summary>
    /// Reads a secret file (password, PIN, key file; mode 0600 or 0400, owned by this user) straight into a
    /// zeroing buffer. Symbolic links are followed (container secrets are links); the target is checked.
    /// <paramref name="allowRootOwner"/> also accepts files owned by root (systemd credentials handed to a
    /// service user through an ACL).
    /// </summary>
    public static SecureBuffer ReadSecret(string path, int maximumLength = SecretMaximumLength, bool allowRootOwner = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = File.OpenHandle(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read);
        CheckFile(handle, path, allowRootOwner);
        return ReadIntoSecureBuffer(handle, path, maximumLength);
    }

    /// <summary>
    /// Reads a systemd credential (`$CREDENTIALS_DIRECTORY/NAME`) straight into a zeroing buffer after
    /// <see cref="CredentialFileAccess.Check"/>: root-owned 0400 with an ACL entry for this user, as systemd writes it
    /// for a service user, or this user's own 0400/0600 file. Symbolic links are refused.
    /// </summary>
    public static SecureBuffer ReadCredential(string path, int maximumLength = SecretMaximumLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RefuseSymbolicLink(path);
        using var handle = File.OpenHandle(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read);
        CredentialFileAccess.Check(handle, path);
        return ReadIntoSecureBuffer(handle, path, maximumLength);
    }

    // The checked file's whole content, straight into a zeroing buffer (disposed if the read fails).
    private static SecureBuffer ReadIntoSecureBuffer(SafeFileHandle handle, string path, int maximumLength)
    {
        var length = CheckedLength(handle, path, maximumLength);
        var secret = new SecureBuffer(length);
        try
        {
            ReadExactly(handle, secret.Span, path);
            return secret;
        }
        catch
        {
            secret.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces a file atomically and durably: write a 0600 temporary file beside it, fsync, rename over
    /// the target, fsync the folder. Readers see the old or the new content, never a mix. Content longer than
    /// <paramref name="maximumLength"/> (by default what <see cref="ReadAllBytes"/> accepts) is refused before
    /// anything is written, so no writer leaves a file its reader refuses.
    /// </summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content, int maximumLength = DefaultMaximumLength) =>
        WriteAtomic(path, content, maximumLength, syncFile: true, syncFolder: true);

    /// <summary>
    /// The same replacement (0600 temporary file beside it, rename over the target) with each of the two syncs chosen
    /// by the caller: for writers whose durability comes from elsewhere (the state store's journal, which is fsynced
    /// first and replayed after a crash) or whose older copy is a state the reader accepts (the audit head without an
    /// anchor, behind its fsynced log). A crash still leaves the old or the new content under the name, never a mix.
    /// </summary>
    internal static void WriteAtomic(string path, ReadOnlySpan<byte> content, int maximumLength, bool syncFile, bool syncFolder)
    {
        var temporary = WriteTemporary(path, content, maximumLength, syncFile);
        MoveIntoPlace(temporary, path);
        if (syncFolder)
        {
            var fullPath = Path.GetFullPath(path);
            UnixFiles.SyncDirectory(Path.GetDirectoryName(fullPath)!);
            WriteFaults.Step("folder synced", fullPath);
        }
    }

    /// <summary>
    /// The first half of <see cref="WriteAtomic(string, ReadOnlySpan{byte}, int)"/>: <paramref name="content"/> in a new 0600
    /// temporary file beside <paramref name="path"/> (fsynced when <paramref name="sync"/>), whose path is returned for
    /// <see cref="MoveIntoPlace"/> or <see cref="DiscardTemporary"/>. A failure leaves no temporary file.
    /// </summary>
    internal static string WriteTemporary(string path, ReadOnlySpan<byte> content, int maximumLength, bool sync)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (content.Length > maximumLength)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{path}: not written, it would be larger than {maximumLength} bytes"));
        }

        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new IOException($"{path}: has no folder");
        var temporary = Path.Combine(directory, "." + Path.GetFileName(fullPath) + TemporaryMarker +
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            WriteNew(temporary, content, sync);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        WriteFaults.Step("written to its temporary file", fullPath);
        return temporary;
    }

    /// <summary>The second half: renames the temporary file over <paramref name="path"/> (the temporary file is removed if that fails).</summary>
    internal static void MoveIntoPlace(string temporary, string path)
    {
        var fullPath = Path.GetFullPath(path);
        try
        {
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        WriteFaults.Step("renamed into place", fullPath);
    }

    /// <summary>Removes a temporary file that will not be moved into place (best effort).</summary>
    internal static void DiscardTemporary(string temporary) => TryDelete(temporary);

    /// <summary>Creates a new secret file (a key file) with mode 0600, refusing to replace an existing one.</summary>
    public static void CreateSecretFile(string path, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        WriteNew(fullPath, content);
        UnixFiles.SyncDirectory(Path.GetDirectoryName(fullPath)!);
    }

    /// <summary>
    /// Creates a new file (0600) that must not exist yet, for exports: opened with O_CREAT|O_EXCL (FileMode.CreateNew),
    /// which never replaces a file and never follows a symbolic link at the last component, then written, fsynced,
    /// and the folder fsynced. A file that exists, or appears between any earlier check and this call, is refused
    /// with <see cref="InvalidInputException"/> naming <paramref name="field"/> and is left as it was.
    /// </summary>
    /// <remarks>
    /// Why not a temporary file and a rename: rename(2) replaces the target, and File.Move without overwrite may
    /// fall back to "check, then rename" (which races) where hard links are not supported; .NET offers no managed
    /// renameat2(RENAME_NOREPLACE). The cost of writing in place is that a crash mid-write can leave a short file
    /// under the new name; a failure this process sees deletes it, and the SHA-256 returned with every export lets
    /// the reader check a backup is whole.
    /// </remarks>
    public static void CreateExclusive(string path, ReadOnlySpan<byte> content, string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("HsmWallet's private files need Linux");
        }

        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new IOException($"{path}: has no folder");
        FileStream stream;
        try
        {
            stream = new FileStream(fullPath, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = FileMode,
            });
        }
        catch (IOException error) when (Path.Exists(fullPath) || new FileInfo(fullPath).LinkTarget is not null)
        {
            throw new InvalidInputException(field, "names a file that already exists; an export never replaces a file", error);
        }

        try
        {
            using (stream)
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            TryDelete(fullPath);
            throw;
        }

        UnixFiles.SyncDirectory(directory);
    }

    /// <summary>Removes temporary files that a killed writer left beside <paramref name="path"/>; call it under the file's lock.</summary>
    public static void DeleteStaleTemporaryFiles(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var stale in Directory.EnumerateFiles(directory, "." + Path.GetFileName(fullPath) + TemporaryMarker + "*"))
        {
            TryDelete(stale);
        }
    }

    /// <summary>
    /// Creates a folder with mode 0700 if absent (and any missing parent, also 0700, so a fresh home under a
    /// folder that does not exist yet is not left open), then checks that it is ours and not open to others.
    /// </summary>
    public static void EnsurePrivateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("HsmWallet's private folders need Linux");
        }

        // A link is refused before anything is created through it (a dangling link would otherwise be followed).
        if (new DirectoryInfo(Path.GetFullPath(path)).LinkTarget is not null)
        {
            throw new UnsafeFilePermissionsException(path, "is a symbolic link", $"replace the link with a real folder: {path}");
        }

        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, DirectoryMode);
        }

        CheckDirectory(path);
    }

    /// <summary>Refuses a folder that is a link, not ours, or open to group or others (the fix is chmod 700).</summary>
    public static void CheckDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (new DirectoryInfo(path).LinkTarget is not null)
        {
            throw new UnsafeFilePermissionsException(path, "is a symbolic link", $"replace the link with a real folder: {path}");
        }

        var (owner, mode) = UnixFiles.OwnerAndMode(path);
        CheckOwnerAndMode(path, owner, mode, "700");
    }

    /// <summary>Refuses an open file that is not regular, not ours, or readable by group or others (the fix is chmod 600).</summary>
    public static void CheckFile(SafeFileHandle handle, string path, bool allowRootOwner = false)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var (owner, mode) = UnixFiles.OwnerAndMode(handle, path);
        CheckOwnerAndMode(path, owner, mode, "600", allowRootOwner);
    }

    /// <summary>
    /// Refuses a file named by path (an audit log, its head) that is a link, not ours, or open to group or others,
    /// without opening it: for files whose integrity matters, so a loose mode is refused, not repaired.
    /// </summary>
    public static void CheckPrivateFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RefuseSymbolicLink(path);
        var (owner, mode) = UnixFiles.OwnerAndMode(path);
        CheckOwnerAndMode(path, owner, mode, "600");
    }

    /// <summary>
    /// Makes a file named by path owner-only (chmod 600) when its mode is looser; a link or a file of another
    /// user is refused. For diagnostics files (operational logs) whose mode, not content, is what matters.
    /// </summary>
    /// <returns>True when the mode was repaired.</returns>
    public static bool RepairFileMode(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RefuseSymbolicLink(path);
        var (owner, mode) = UnixFiles.OwnerAndMode(path);
        if ((mode & GroupOrOther) == 0)
        {
            CheckOwnerAndMode(path, owner, mode, "600");
            return false;
        }

        CheckOwnerAndMode(path, owner, mode & ~GroupOrOther, "600");
        File.SetUnixFileMode(path, mode & ~GroupOrOther & (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        return true;
    }

    private static void CheckOwnerAndMode(string path, uint owner, UnixFileMode mode, string wantedMode, bool allowRootOwner = false)
    {
        var self = UnixFiles.EffectiveUserId();
        if (owner != self && !(allowRootOwner && owner == 0))
        {
            throw new UnsafeFilePermissionsException(
                path,
                string.Create(CultureInfo.InvariantCulture, $"is owned by uid {owner}, not by this user (uid {self})"),
                string.Create(CultureInfo.InvariantCulture, $"chown {self} {path}"));
        }

        if ((mode & GroupOrOther) != 0)
        {
            var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
            throw new UnsafeFilePermissionsException(path, $"has mode {octal}, open to other users", $"chmod {wantedMode} {path}");
        }
    }

    private static void RefuseSymbolicLink(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            throw new UnsafeFilePermissionsException(path, "is a symbolic link", $"replace the link with the file itself: {path}");
        }
    }

    private static int CheckedLength(SafeFileHandle handle, string path, int maximumLength)
    {
        var length = RandomAccess.GetLength(handle);
        if (length > maximumLength)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{path}: is larger than {maximumLength} bytes"));
        }

        return (int)length;
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, string path)
    {
        var offset = 0;
        while (offset < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[offset..], offset);
            if (read == 0)
            {
                throw new IOException($"{path}: changed size while being read");
            }

            offset += read;
        }
    }

    private static void WriteNew(string path, ReadOnlySpan<byte> content, bool sync = true)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("HsmWallet's private files need Linux");
        }

        var options = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = FileMode,
        };
        using var stream = new FileStream(path, options);
        if (WriteFaults.Enabled)
        {
            // Test-only: the same bytes in two writes, so the harness can die with half a temporary file.
            stream.Write(content[..(content.Length / 2)]);
            stream.Flush();
            WriteFaults.Step("half written to its temporary file", path);
            content = content[(content.Length / 2)..];
        }

        stream.Write(content);
        stream.Flush(flushToDisk: sync);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is removed by the next writer under the lock.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
