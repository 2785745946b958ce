using System.Text;

namespace HsmWallet.Cli.Output;

/// <summary>
/// stderr on a terminal, with a spinner while a command has run for more than half a second (a KDF, a token, the
/// ledger): the spinner is drawn on stderr only, never on stdout, and never while a line another part wrote is open
/// (a prompt waits for the operator there). Any write clears it first, so messages and prompts stay whole.
/// </summary>
internal sealed class TerminalProgress : TextWriter
{
    /// <summary>How long a command runs before the spinner shows.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);

    /// <summary>The words beside the spinner (tests look for them).</summary>
    public const string Label = "hsmwallet: working";

    private static readonly char[] Frames = ['|', '/', '-', '\\'];
    private readonly TextWriter _inner;
    private readonly Lock _gate = new();
    private Timer? _timer;
    private bool _shown;
    private bool _lineOpen;
    private int _frame;

    /// <summary>Wraps the terminal's stderr.</summary>
    public TerminalProgress(TextWriter inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public override Encoding Encoding => _inner.Encoding;

    /// <summary>Shows the spinner after <see cref="Delay"/> until the returned handle is disposed (then clears it).</summary>
    public IDisposable Run()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = new Timer(_ => Tick(), null, Delay, TimeSpan.FromMilliseconds(120));
        }

        return new Stop(this);
    }

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_gate)
        {
            Hide();
            _inner.Write(value);
            _lineOpen = value != '\n';
            _inner.Flush();
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            Hide();
            _inner.Write(value);
            _lineOpen = !value.EndsWith('\n');
            _inner.Flush();
        }
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Finish();
        }

        base.Dispose(disposing);
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_timer is null || _lineOpen)
            {
                return;
            }

            _inner.Write($"\r{Frames[_frame++ % Frames.Length]} {Label}");
            _inner.Flush();
            _shown = true;
        }
    }

    private void Hide()
    {
        if (_shown)
        {
            _inner.Write("\r\u001b[K");
            _shown = false;
        }
    }

    private void Finish()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            Hide();
            _inner.Flush();
        }
    }

    private sealed class Stop(TerminalProgress progress) : IDisposable
    {
        public void Dispose() => progress.Finish();
    }
}
