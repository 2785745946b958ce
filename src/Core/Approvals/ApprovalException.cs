namespace HsmWallet.Core.Approvals;

/// <summary>
/// An approval id that cannot be used (yet, or at all), with the stable error code the CLI and the MCP
/// server report: approval_pending, approval_declined or invalid_input.
/// </summary>
public sealed class ApprovalException : Exception
{
    /// <summary>Creates the exception with its code and a message naming the rule, never secret data.</summary>
    public ApprovalException(string code, string message, PendingApproval? approval = null)
        : base(message)
    {
        Code = code;
        Approval = approval;
    }

    /// <summary>Creates an exception with the generic code.</summary>
    public ApprovalException()
        : this("invalid_input", "approval_id: cannot be used")
    {
    }

    /// <summary>Creates an exception with the generic code and this message.</summary>
    public ApprovalException(string message)
        : this("invalid_input", message)
    {
    }

    /// <summary>Creates an exception with the generic code, this message and its cause.</summary>
    public ApprovalException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid_input";
    }

    /// <summary>The stable error code.</summary>
    public string Code { get; }

    /// <summary>For code rate_limited: how long until a place frees up at the latest (the next waiting request expires).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The approval concerned, when it exists (for approval_pending: its id and expiry).</summary>
    public PendingApproval? Approval { get; }
}
