using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Hosting;
using HsmWallet.Hosting.Application;
using HsmWallet.Hosting.Approvals;
using HsmWallet.McpServer.Approval;
using HsmWallet.McpServer.Pipeline;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// The server's side of the application layer: the one <see cref="WalletApplication"/> opened on the home the
/// server was started with (secrets read afresh from its files for each unlock, never a prompt, and an unlock
/// that never lifts a lockout), plus what only the server has: its options and its start-up. Tools get this.
/// </summary>
public sealed class WalletServices : IDisposable
{
    /// <summary>Opens the application on <paramref name="options"/>' home with <paramref name="providers"/> (the standard unlockers when null); reads nothing yet (see <see cref="ZeroConfiguration"/>).</summary>
    public WalletServices(ServerOptions options, KeyProviderRegistry? providers, TimeProvider? time = null, HttpMessageHandler? ledgerHandler = null, Action<string, TimeSpan>? unlockTimed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Time = time ?? TimeProvider.System;
        App = WalletApplication.Open(new ApplicationOptions
        {
            Settings = new HostSettings(options.HomePath, options.Network),
            // Its successes never reset the failure count or lift a lockout: an agent can make the server unlock at will,
            // and that must not buy anyone more password guesses (the operator lifts a lockout from the CLI).
            Secrets = new SecretOptions
            {
                PasswordFile = options.PasswordFile,
                PinFile = options.PinFile,
                KeyFile = options.KeyFile,
                RecoveryKeyFile = options.RecoveryKeyFile,
                AllowPrompt = false,
            },
            Actor = Actor,
            Slot = options.Slot,
            UnlockResetsLockout = false,
            Providers = providers,
            Time = Time,
            LedgerHandler = ledgerHandler,
            ApprovalMode = options.Approvals,
            UnlockTimed = unlockTimed,
            StateStore = options.StateStore,
        });
        Pages = new ApprovalPages(App.Approvals, App.ApprovalRules, App.Freeze);
    }

    /// <summary>The approval pages kept open for requests waiting on people's passkeys (or a veto).</summary>
    public ApprovalPages Pages { get; }

    /// <summary>Who the audit log says asked: the agent's client over MCP.</summary>
    public static AuditActor Actor { get; } = new(AuditActorType.User, "mcp-client");

    /// <summary>The application layer every tool calls.</summary>
    public WalletApplication App { get; }

    /// <summary>What the server was started with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The clock (a fake one in tests of approval expiry).</summary>
    public TimeProvider Time { get; }

    /// <summary>The network's name (mainnet, testnet, devnet, custom).</summary>
    public string NetworkName => App.NetworkName;

    /// <summary>The human's approval for this call: the operator's store, elicitation through <paramref name="server"/> when the client offers it.</summary>
    public McpApprover Approver(ModelContextProtocol.Server.McpServer? server, ToolCall? call = null) =>
        new(App.Approvals, App.ApprovalRules, Pages, server, Options.ApprovalWait) { Agent = call?.Actor.Id ?? Core.Approvals.ApprovalStore.DefaultAgent };

    /// <summary>The audit and signing context of <paramref name="call"/>, asked by the agent's client.</summary>
    public static OperationContext Context(ToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Operation(call.Actor);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Pages.DisposeAsync().AsTask().GetAwaiter().GetResult();
        App.Dispose();
    }
}
