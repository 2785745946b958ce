// Tool parameters are named as INTERFACES.md fixes them on the wire (snake_case).
#pragma warning disable CA1707
using HsmWallet.McpServer.Composition;
using ModelContextProtocol.Server;

namespace HsmWallet.McpServer.Tools;

/// <summary>The wallet tools: list, balance, history, create, export, delete.</summary>
[McpServerToolType]
public sealed class WalletTools(WalletServices services)
{
    /// <summary>The services the tools call.</summary>
    internal WalletServices Services => services;
}
