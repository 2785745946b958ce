using System.Runtime.InteropServices;
using HsmWallet.Core.Secrets.Terminal;

namespace HsmWallet.KeyProviders.Terminal;

/// <summary>
/// Standard input as a Linux terminal, through termios: <see cref="HideInput"/> clears ECHO, ICANON, ISIG and
/// IEXTEN (so the kernel neither shows nor edits what is typed, and Ctrl-C reaches the reader as a byte instead of
/// killing the process between the change and its undo) and restores the saved settings on dispose, or at once
/// if another process sends SIGTERM, SIGHUP, SIGINT or SIGQUIT meanwhile. It lives here, not in Core, because
/// Core holds no native calls and this project already owns the process's libc calls (memory locking,
/// dumpability); both hosts reference it.
/// </summary>
public sealed partial class PosixTerminal : ITerminal
{
    private const int StandardInput = 0;
    private const int TcsaNow = 0;

    // struct termios on Linux (glibc, every architecture .NET runs on): four 32-bit flag words, c_line, c_cc[32],
    // then the speeds; 60 bytes. The buffer is larger so a longer layout could never be written past its end.
    private const int TermiosSize = 128;
    private const int LocalFlagsOffset = 12;
    private const int ControlCharactersOffset = 17;
    private const int VTime = 5;
    private const int VMin = 6;
    private const uint Isig = 0x1;
    private const uint Icanon = 0x2;
    private const uint Echo = 0x8;
    private const uint EchoNewline = 0x40;
    private const uint Iexten = 0x8000;

    private PosixTerminal()
    {
    }

    /// <summary>The process's standard input.</summary>
    public static PosixTerminal StandardInputTerminal { get; } = new();

    /// <inheritdoc />
    public bool IsInteractive => OperatingSystem.IsLinux() && IsTerminal(StandardInput) == 1;

    /// <inheritdoc />
    public IDisposable HideInput()
    {
        if (!IsInteractive)
        {
            throw new InvalidOperationException("standard input is not a Linux terminal: no prompt can hide what is typed");
        }

        var saved = new byte[TermiosSize];
        if (GetAttributes(StandardInput, saved) != 0)
        {
            throw new InvalidOperationException($"tcgetattr failed on standard input (errno {Marshal.GetLastPInvokeError()})");
        }

        var hidden = (byte[])saved.Clone();
        // The flag words are in the machine's byte order.
        var flags = MemoryMarshal.Read<uint>(hidden.AsSpan(LocalFlagsOffset));
        flags &= ~(Echo | EchoNewline | Icanon | Isig | Iexten);
        MemoryMarshal.Write(hidden.AsSpan(LocalFlagsOffset), in flags);
        hidden[ControlCharactersOffset + VMin] = 1;
        hidden[ControlCharactersOffset + VTime] = 0;
        // TCSANOW, not TCSAFLUSH: keys typed before the prompt appeared stay and are read, not dropped.
        if (SetAttributes(StandardInput, TcsaNow, hidden) != 0)
        {
            throw new InvalidOperationException($"tcsetattr failed on standard input (errno {Marshal.GetLastPInvokeError()})");
        }

        return new Restore(saved);
    }

    /// <inheritdoc />
    public int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        while (true)
        {
            var read = Read(StandardInput, ref MemoryMarshal.GetReference(one), 1);
            if (read == 1)
            {
                var value = one[0];
                one[0] = 0;
                return value;
            }

            const int Interrupted = 4;
            if (read < 0 && Marshal.GetLastPInvokeError() == Interrupted)
            {
                continue;
            }

            return -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsTerminal(int descriptor);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int GetAttributes(int descriptor, [Out] byte[] termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int SetAttributes(int descriptor, int when, byte[] termios);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int descriptor, ref byte buffer, nuint count);

    /// <summary>Puts the saved settings back once: on dispose, or from a signal handler before the process ends.</summary>
    private sealed class Restore : IDisposable
    {
        private readonly byte[] _saved;
        private readonly PosixSignalRegistration[] _signals;
        private int _restored;

        public Restore(byte[] saved)
        {
            _saved = saved;
            _signals =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Apply()),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Apply()),
                PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Apply()),
                PosixSignalRegistration.Create(PosixSignal.SIGQUIT, _ => Apply()),
            ];
        }

        public void Dispose()
        {
            Apply();
            foreach (var signal in _signals)
            {
                signal.Dispose();
            }
        }

        private void Apply()
        {
            if (Interlocked.Exchange(ref _restored, 1) == 0)
            {
                _ = SetAttributes(StandardInput, TcsaNow, _saved);
            }
        }
    }
}
