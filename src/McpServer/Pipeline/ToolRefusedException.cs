using System.Text.Json.Nodes;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// A refusal the server itself decides (rate limit, pending approval, unknown tool...), carrying its stable
/// code (INTERFACES.md) and the extra fields that code adds; the pipeline turns it into the error body.
/// </summary>
public sealed class ToolRefusedException : Exception
{
    /// <summary>A refusal with a stable code, a message safe to show the agent, and optional extra fields.</summary>
    public ToolRefusedException(string code, string message, JsonObject? extra = null)
        : base(message)
    {
        Code = code;
        Extra = extra ?? [];
    }

    /// <summary>Required by the exception pattern; use the coded constructor.</summary>
    public ToolRefusedException()
        : this("internal", "internal error")
    {
    }

    /// <summary>Required by the exception pattern; use the coded constructor.</summary>
    public ToolRefusedException(string message)
        : this("internal", message)
    {
    }

    /// <summary>Required by the exception pattern; use the coded constructor.</summary>
    public ToolRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "internal";
        Extra = [];
    }

    /// <summary>The stable snake_case error code.</summary>
    public string Code { get; }

    /// <summary>Fields added next to code and message (retry_after_ms, approval_id, reasons...).</summary>
    public JsonObject Extra { get; }
}
