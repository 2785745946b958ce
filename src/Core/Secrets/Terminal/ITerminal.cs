namespace HsmWallet.Core.Secrets.Terminal;

/// <summary>
/// The operator's terminal at the byte level: the one native piece a no-echo prompt needs. Core holds no native
/// code, so this port is all it knows; the termios implementation is
/// <c>HsmWallet.KeyProviders.Terminal.PosixTerminal</c> (the project that already owns the process's libc calls),
/// and tests pass scripted bytes. Everything else (UTF-8, backspace, the zeroed buffer) is
/// <see cref="HiddenLineReader"/>, one reader for every secret typed at a terminal.
/// </summary>
public interface ITerminal
{
    /// <summary>True when a person types on standard input, so a prompt can be answered at all.</summary>
    bool IsInteractive { get; }

    /// <summary>
    /// Turns echo, line editing and signal keys off until the returned handle is disposed, which restores the
    /// settings found: keys then arrive byte by byte, Ctrl-C as a byte the reader handles (so its finally runs).
    /// </summary>
    IDisposable HideInput();

    /// <summary>Waits for the next byte typed; -1 at the end of input.</summary>
    int ReadByte();
}
