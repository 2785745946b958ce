namespace HsmWallet.Core.Secrets.Files;

/// <summary>
/// Raised when a vault, state, policy or secret file (or its folder) is readable by others or owned by
/// another user: the message names the path and the command that fixes it.
/// </summary>
public sealed class UnsafeFilePermissionsException : IOException
{
    /// <summary>Creates the error for one path, with the repair command in the message.</summary>
    public UnsafeFilePermissionsException(string path, string problem, string fix)
        : base($"{path}: {problem}; fix it with: {fix}")
    {
        Path = path;
        Fix = fix;
    }

    /// <summary>The offending file or folder.</summary>
    public string Path { get; }

    /// <summary>The shell command that repairs it, e.g. "chmod 600 PATH".</summary>
    public string Fix { get; }
}
