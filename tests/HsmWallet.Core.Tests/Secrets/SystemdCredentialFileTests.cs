using System.Diagnostics;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Tests.Unlocking;

namespace HsmWallet.Core.Tests.Secrets;

/// <summary>
/// Credential files as systemd writes them for a service user (LoadCredential=): 0400, root's, plus an ACL entry
/// user:SERVICE:r, which stat shows as mode 0440. The real setfacl makes the same files here.
/// </summary>
public class SystemdCredentialFileTests
{
    private static readonly SecretRequest Password = new(SecretKind.Password, "Password for slot 1");
    private static readonly string Self = UnixFiles.EffectiveUserId().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_credential_shared_with_this_user_by_an_acl_is_read_although_stat_shows_0440()
    {
        using var directory = new TemporaryDirectory();
        var path = Credential(directory.Path, "from systemd\n");
        SetAcl(path, $"u:{Self}:r");
        Assert.Equal((UnixFileMode)0b100_100_000, File.GetUnixFileMode(path));

        using var password = Source(directory.Path).TryRead(Password)!;

        Assert.Equal("from systemd"u8.ToArray(), password.ReadOnlySpan.ToArray());
    }

    [Fact]
    public void A_0400_credential_without_an_acl_is_read_as_systemd_writes_it_where_there_are_no_acls()
    {
        using var directory = new TemporaryDirectory();
        Credential(directory.Path, "chowned");

        using var password = Source(directory.Path).TryRead(Password)!;

        Assert.Equal("chowned"u8.ToArray(), password.ReadOnlySpan.ToArray());
    }

    [Theory]
    [InlineData("u:12345:r")]
    [InlineData("g:12345:r")]
    [InlineData("g::r")]
    public void A_credential_an_acl_lets_another_user_or_a_group_read_is_refused_naming_the_file(string entry)
    {
        using var directory = new TemporaryDirectory();
        var path = Credential(directory.Path, "shared too widely");
        SetAcl(path, $"u:{Self}:r,{entry}");

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => Source(directory.Path).TryRead(Password));

        Assert.Equal(path, error.Path);
        Assert.DoesNotContain("shared too widely", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_a_real_group_can_read_is_refused()
    {
        using var directory = new TemporaryDirectory();
        var path = Credential(directory.Path, "group readable");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => Source(directory.Path).TryRead(Password));

        Assert.Contains("0440", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_that_is_a_symbolic_link_is_refused()
    {
        using var directory = new TemporaryDirectory();
        var target = Path.Combine(directory.Path, "elsewhere");
        File.WriteAllText(target, "linked");
        File.SetUnixFileMode(target, UnixFileMode.UserRead);
        File.CreateSymbolicLink(Path.Combine(directory.Path, SystemdCredentialSource.PasswordCredential), target);

        Assert.Throws<UnsafeFilePermissionsException>(() => Source(directory.Path).TryRead(Password));
    }

    private static SystemdCredentialSource Source(string directory) =>
        SystemdCredentialSource.FromEnvironment(name => name == "CREDENTIALS_DIRECTORY" ? directory : null);

    private static string Credential(string directory, string content)
    {
        var path = Path.Combine(directory, SystemdCredentialSource.PasswordCredential);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        return path;
    }

    private static void SetAcl(string path, string entries)
    {
        var start = new ProcessStartInfo("setfacl") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-m");
        start.ArgumentList.Add(entries);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "setfacl: " + error);
    }
}
