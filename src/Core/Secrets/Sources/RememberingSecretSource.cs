namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Asks a person once per command, not once per unlock: a command that must unlock twice (find the wallet, then
/// sign) repeats the first answer from a zeroing buffer instead of prompting again. Only interactive answers are
/// kept, only for the command's life; disposing zeroes them.
/// </summary>
public sealed class RememberingSecretSource : ISecretSource, IDisposable
{
    private readonly ISecretSource _inner;
    private readonly Dictionary<SecretRequest, SecureBuffer> _answers = [];

    /// <summary>Wraps the command's own secret sources.</summary>
    public RememberingSecretSource(ISecretSource inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public bool IsInteractive => _inner.IsInteractive;

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_answers)
        {
            if (_answers.TryGetValue(request, out var known))
            {
                return SecureBuffer.CopyOf(known.ReadOnlySpan);
            }
        }

        var answer = _inner.TryRead(request);
        if (answer is not null && _inner.IsInteractive)
        {
            lock (_answers)
            {
                _answers[request] = SecureBuffer.CopyOf(answer.ReadOnlySpan);
            }
        }

        return answer;
    }

    /// <summary>Zeroes every remembered answer.</summary>
    public void Dispose()
    {
        lock (_answers)
        {
            foreach (var answer in _answers.Values)
            {
                answer.Dispose();
            }

            _answers.Clear();
        }
    }
}
