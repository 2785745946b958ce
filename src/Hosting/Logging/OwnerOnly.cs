namespace HsmWallet.Hosting.Logging;

/// <summary>The permissions of the logs folder and files: the owner only, like everything else in the home.</summary>
internal static class OwnerOnly
{
    /// <summary>0700.</summary>
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>0600.</summary>
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
