using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.McpServer.Pipeline;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// How the server's start-up went. A home the server cannot use (a vault or folder open to others, no vault where the
/// configuration names a secret for one, an unreadable audit log) does not end the process: the MCP client would see
/// only "connection closed". The server completes initialize and tools/list, and every tool call answers
/// server_unavailable with the reason and the fix, until the operator fixes the home and the client restarts it.
/// Failures that can pass on their own (a lockout, an unplugged device, a wrong secret) are not kept here: each call
/// tries again and answers locked_out or unlock_failed.
/// </summary>
public sealed class ServerStartup
{
    private ToolRefusedException? _failure;
    private Lazy<Task> _start = new(Task.CompletedTask);
    private int _soon;

    /// <summary>
    /// Completes when the start-up (vault creation, first unlock) has run, successfully or not. Asking for it begins the
    /// start-up if nothing has yet: the first tool call waits here, so no tool runs before it and its failure refuses them.
    /// </summary>
    public Task Ready => _start.Value;

    /// <summary>True once the start-up has begun (it may still be running).</summary>
    public bool Begun => _start.IsValueCreated;

    /// <summary>
    /// Sets the start-up work without running it: it begins at the first of <see cref="Ready"/> (a tool call, /readyz),
    /// <see cref="BeginSoon"/> (after the first tools/list answer) or <paramref name="fallback"/> after now, so the
    /// unlock never delays the client's first tools/list and an idle server still creates its vault.
    /// </summary>
    internal void Defer(Func<Task> start, TimeSpan fallback)
    {
        _start = new Lazy<Task>(start, LazyThreadSafetyMode.ExecutionAndPublication);
        BeginAfter(fallback);
    }

    /// <summary>Begins the start-up shortly, once the answer being written has left (called after each tools/list; one timer at most).</summary>
    internal void BeginSoon()
    {
        if (Interlocked.Exchange(ref _soon, 1) == 0)
        {
            BeginAfter(AfterListDelay);
        }
    }

    /// <summary>How long after the first tools/list answer the start-up begins: the answer is written first.</summary>
    internal static TimeSpan AfterListDelay { get; } = TimeSpan.FromMilliseconds(100);

    private void BeginAfter(TimeSpan delay)
    {
        if (Begun)
        {
            return;
        }

        _ = Task.Delay(delay).ContinueWith(_ => Ready, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The refusal every tool call gets, or null while the home is usable.</summary>
    public ToolRefusedException? Failure => Volatile.Read(ref _failure);

    /// <summary>True for a start-up failure that lasts until the operator acts (so the server refuses every call).</summary>
    public static bool Lasts(Exception error) => error is not (LockedOutException or UnlockFailedException or KeyProviderUnavailableException or FileLockTimeoutException or Core.State.StateStoreException or OperationCanceledException);

    /// <summary>Records <paramref name="error"/> as the reason every tool call is refused; returns the one-line reason.</summary>
    public string Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var extra = new JsonObject();
        var reason = error switch
        {
            UnsafeFilePermissionsException unsafeFile => Fix(extra, unsafeFile),
            VaultNotFoundException missing => missing.Message,
            AuditWriteException audit => audit.Message,
            InvalidInputException invalid => invalid.Message,
            UnauthorizedAccessException or IOException => $"the wallet home or a file in it could not be read ({error.GetType().Name}); the server's user must own the home and its files (folders 0700, files 0600)",
            _ => $"the server could not open the wallet home ({error.GetType().Name}); the operator finds the reason in the server's log",
        };
        var message = $"the server cannot serve tools: {reason}; after fixing it, restart the server (reconnect in the MCP client)";
        Interlocked.CompareExchange(ref _failure, new ToolRefusedException("server_unavailable", message, extra), null);
        return message;
    }

    private static string Fix(JsonObject extra, UnsafeFilePermissionsException error)
    {
        extra["fix"] = error.Fix;
        return error.Message;
    }
}
