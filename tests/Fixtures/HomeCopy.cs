namespace HsmWallet.Tests.Fixtures;

/// <summary>
/// A second host's home made from a first one, as an operator copies it for another instance on a shared state
/// store: every file owner-only, every folder 0700, lock files left behind (they belong to the first host's processes).
/// </summary>
public static class HomeCopy
{
    /// <summary>Copies <paramref name="from"/> into <paramref name="to"/>, leaving out lock files and the folders named in <paramref name="skip"/>.</summary>
    public static void Copy(string from, string to, params string[] skip)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from).Where(file => !file.EndsWith(".lock", StringComparison.Ordinal)))
        {
            var copy = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, copy, overwrite: true);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        foreach (var directory in Directory.GetDirectories(from).Where(directory => !skip.Contains(Path.GetFileName(directory))))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)), skip);
        }
    }
}
