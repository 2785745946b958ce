using System.Text;
using Serilog.Sinks.File;

namespace HsmWallet.Hosting.Logging;

/// <summary>Makes each log file the sink opens 0600 before anything is written to it (the folder is already 0700).</summary>
internal sealed class OwnerOnlyFileHooks : FileLifecycleHooks
{
    /// <inheritdoc />
    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnly.File);
        }

        return underlyingStream;
    }
}
