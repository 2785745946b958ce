using System.Diagnostics;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Tests.Unlocking;

namespace HsmWallet.Core.Tests.Secrets;

public class ProtectedFileTests
{
    [Fact]
    public void An_atomic_write_leaves_a_0600_file_with_the_new_content_and_no_temporary_file()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "state.json");

        ProtectedFile.WriteAtomic(path, "old"u8);
        ProtectedFile.WriteAtomic(path, "new"u8);

        Assert.Equal("new"u8.ToArray(), ProtectedFile.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void A_0644_file_is_refused_with_the_command_that_fixes_it()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "vault.json");
        ProtectedFile.WriteAtomic(path, "{}"u8);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => ProtectedFile.ReadAllBytes(path));

        Assert.Equal($"chmod 600 {path}", error.Fix);
    }

    [Fact]
    public void A_file_owned_by_another_user_is_refused()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "vault.json");
        ProtectedFile.WriteAtomic(path, "{}"u8);
        ChangeOwner(path);

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => ProtectedFile.ReadAllBytes(path));

        Assert.Contains("owned by uid 4242", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("chown ", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_open_to_others_is_refused()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "home");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => ProtectedFile.EnsurePrivateDirectory(path));

        Assert.Equal($"chmod 700 {path}", error.Fix);
    }

    [Fact]
    public void A_private_folder_under_missing_parents_is_created_with_every_new_level_owner_only()
    {
        using var directory = new TemporaryDirectory();
        var home = Path.Combine(directory.Path, "share", "hsmwallet");
        var logs = Path.Combine(home, "logs");

        ProtectedFile.EnsurePrivateDirectory(logs);

        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(directory.Path, "share")));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(home));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(logs));
        ProtectedFile.EnsurePrivateDirectory(home);
    }

    [Fact]
    public void A_symbolic_link_in_place_of_a_private_file_is_refused()
    {
        using var directory = new TemporaryDirectory();
        var target = Path.Combine(directory.Path, "real.json");
        ProtectedFile.WriteAtomic(target, "{}"u8);
        var link = Path.Combine(directory.Path, "vault.json");
        File.CreateSymbolicLink(link, target);

        Assert.Throws<UnsafeFilePermissionsException>(() => ProtectedFile.ReadAllBytes(link));
    }

    [Fact]
    public void A_held_file_lock_keeps_a_second_writer_out_until_released()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "vault.json");

        using (FileLock.Acquire(path, TimeSpan.FromSeconds(1)))
        {
            Assert.Throws<FileLockTimeoutException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(50)));
        }

        using var again = FileLock.Acquire(path, TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Stale_temporary_files_of_a_killed_writer_are_removed()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "vault.json");
        var stale = Path.Combine(directory.Path, ".vault.json.tmp-0011223344556677");
        File.WriteAllText(stale, "half");

        ProtectedFile.DeleteStaleTemporaryFiles(path);

        Assert.False(File.Exists(stale));
    }

    internal static void ChangeOwner(string path)
    {
        // The suite runs as root in CI, so it can hand a file to another uid.
        using var process = Process.Start(new ProcessStartInfo("chown", ["4242:4242", path]) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
