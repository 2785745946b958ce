using System.Text;
using HsmWallet.Core.Secrets.Terminal;

namespace HsmWallet.Core.Tests.Fixtures;

/// <summary>
/// A terminal whose keys are the UTF-8 bytes of a script ("\r" is Enter, "\x7f" backspace); it records whether
/// input was hidden while each byte was read. The real one is exercised on a pseudo-terminal by the CLI tests.
/// </summary>
public sealed class ScriptedTerminal(string typed) : ITerminal
{
    private readonly Queue<byte> _bytes = new(Encoding.UTF8.GetBytes(typed));
    private int _hidden;

    /// <summary>How many bytes were read while input was not hidden (must stay 0).</summary>
    public int ReadWhileShown { get; private set; }

    /// <summary>How many bytes were read.</summary>
    public int Reads { get; private set; }

    /// <summary>True once every hide was undone.</summary>
    public bool Restored => _hidden == 0;

    public bool IsInteractive => true;

    public int Left => _bytes.Count;

    public IDisposable HideInput()
    {
        _hidden++;
        return new Shown(this);
    }

    public int ReadByte()
    {
        Reads++;
        if (_hidden == 0)
        {
            ReadWhileShown++;
        }

        return _bytes.TryDequeue(out var value) ? value : -1;
    }

    private sealed class Shown(ScriptedTerminal terminal) : IDisposable
    {
        public void Dispose() => terminal._hidden--;
    }
}
