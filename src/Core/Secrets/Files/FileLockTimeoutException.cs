namespace HsmWallet.Core.Secrets.Files;

/// <summary>Raised when another process held a file's lock for longer than the caller would wait.</summary>
public sealed class FileLockTimeoutException : IOException
{
    /// <summary>Creates the error naming the busy file.</summary>
    public FileLockTimeoutException(string path, Exception innerException)
        : base($"{path}: another HsmWallet process is writing it; try again", innerException)
    {
        Path = path;
    }

    /// <summary>The file whose lock could not be taken.</summary>
    public string Path { get; }
}
