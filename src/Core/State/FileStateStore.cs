using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.State;

/// <summary>
/// The embedded backend: each document is an owner-only file under the home (written atomically: temp file, fsync,
/// rename), and a scope's lock is a flock on <c>SCOPE.lock</c> beside it, shared by the CLI and every server
/// process on this host. Re-entrant per thread, so a nested call on a scope already held does not wait for itself.
/// Files are written as they are asked for, so a crash part-way can leave the earlier writes of a session.
/// </summary>
public sealed class FileStateStore : IStateStore
{
    [ThreadStatic]
    private static Dictionary<string, int>? t_held;

    private readonly string _root;
    private readonly TimeSpan _lockTimeout;

    /// <summary>Binds the home folder <paramref name="root"/> and how long a lock is waited for.</summary>
    public FileStateStore(string root, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <inheritdoc/>
    public string Description => "files";

    /// <summary>The folder the documents are kept under (a home, or a folder several homes share on one host).</summary>
    public string Root => _root;

    /// <inheritdoc/>
    public T Exclusive<T>(string scope, Func<IStateSession, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var path = PathOf(StateName.Check(scope));
        var held = t_held ??= new Dictionary<string, int>(StringComparer.Ordinal);
        if (held.TryGetValue(path, out var depth))
        {
            held[path] = depth + 1;
            try
            {
                return work(new Session(this));
            }
            finally
            {
                held[path] = depth;
            }
        }

        EnsureFolder(Path.GetDirectoryName(path)!, scope);
        using var fileLock = FileLock.Acquire(path, _lockTimeout);
        held[path] = 1;
        try
        {
            return work(new Session(this));
        }
        finally
        {
            held.Remove(path);
        }
    }

    // A folder of the home open to other users is refused, naming it and the fix, before anything in it is read.
    private static void EnsureFolder(string directory, string name)
    {
        try
        {
            ProtectedFile.EnsurePrivateDirectory(directory);
        }
        catch (UnsafeFilePermissionsException exception)
        {
            throw new InvalidInputException(name, $"its folder must be open to its owner only (0700): {exception.Fix}", exception);
        }
    }

    private string PathOf(string name) => Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));

    private sealed class Session(FileStateStore store) : IStateSession
    {
        public byte[]? Read(string name)
        {
            var path = store.PathOf(StateName.Check(name));
            if (!File.Exists(path))
            {
                return null;
            }

            try
            {
                return ProtectedFile.ReadAllBytes(path);
            }
            catch (UnsafeFilePermissionsException exception)
            {
                throw new InvalidInputException(name, $"file must be readable and writable by its owner only (0600): {exception.Fix}", exception);
            }
        }

        public void Write(string name, ReadOnlySpan<byte> content)
        {
            var path = store.PathOf(StateName.Check(name));
            StateDocument.CheckSize(content.Length);
            EnsureFolder(Path.GetDirectoryName(path)!, name);
            ProtectedFile.WriteAtomic(path, content);
        }

        public bool Delete(string name)
        {
            var path = store.PathOf(StateName.Check(name));
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            UnixFiles.SyncDirectory(Path.GetDirectoryName(path)!);
            return true;
        }

        public IReadOnlyList<string> List(string folder)
        {
            var directory = store.PathOf(StateName.CheckFolder(folder));
            if (!Directory.Exists(directory))
            {
                return [];
            }

            return [.. Directory.EnumerateFiles(directory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(file => !file.EndsWith(".lock", StringComparison.Ordinal) && !file.EndsWith(".tmp", StringComparison.Ordinal))
                .Select(file => folder + "/" + file)
                .Where(IsName)
                .Order(StringComparer.Ordinal)];
        }

        private static bool IsName(string name)
        {
            try
            {
                StateName.Check(name);
                return true;
            }
            catch (InvalidInputException)
            {
                return false;
            }
        }
    }
}
