namespace HsmWallet.Core.UseCases;

/// <summary>Where a wallet backup is written: an agent names at most a file in the home's backups folder; only the operator names a path.</summary>
public abstract record BackupDestination
{
    private BackupDestination()
    {
    }

    /// <summary>A file in `&lt;home&gt;/backups/`: the given plain file name, or the wallet's default name for the day when null.</summary>
    /// <param name="FileName">A plain file name (no folder), or null for the default.</param>
    public sealed record InBackupsFolder(string? FileName) : BackupDestination;

    /// <summary>A new file at a path the operator chose on the command line (never an existing file).</summary>
    /// <param name="Path">The target path.</param>
    public sealed record OperatorFile(string Path) : BackupDestination;
}
