using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>The answers a person can give an elicitation form.</summary>
public static class Approvals
{
    public static ElicitResult Accept(bool approve = true) => new()
    {
        Action = "accept",
        Content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(approve) },
    };

    public static ElicitResult Decline() => new() { Action = "decline" };

    public static ElicitResult Cancel() => new() { Action = "cancel" };
}
