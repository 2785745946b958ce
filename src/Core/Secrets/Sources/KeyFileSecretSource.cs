using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Reads key files: the one named by `--key-file`, else the file a slot was enrolled with, so a key-file
/// vault opens with no option at all (the zero-configuration default).
/// </summary>
public sealed class KeyFileSecretSource : ISecretSource
{
    private readonly string? _path;

    /// <summary>Uses the given file for every key-file request, or the slot's own hint when null.</summary>
    public KeyFileSecretSource(string? path = null) => _path = path;

    /// <inheritdoc />
    public bool IsInteractive => false;

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != SecretKind.KeyFile)
        {
            return null;
        }

        if (_path is not null && !File.Exists(_path))
        {
            throw new InvalidInputException("key-file", "names no existing file");
        }

        var path = _path ?? request.HintPath;
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        return ProtectedFile.ReadSecret(path);
    }
}
