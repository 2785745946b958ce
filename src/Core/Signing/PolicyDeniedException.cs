using HsmWallet.Core.Policy;

namespace HsmWallet.Core.Signing;

/// <summary>The policy refused the transaction: nothing was signed. Carries every reason, for the caller's error body.</summary>
public sealed class PolicyDeniedException : Exception
{
    /// <summary>Creates the exception from the deciding reasons.</summary>
    public PolicyDeniedException(IReadOnlyList<PolicyReason> reasons)
        : base("policy denied: " + string.Join("; ", reasons?.Select(reason => reason.Message) ?? []))
    {
        Reasons = reasons ?? [];
    }

    /// <summary>Creates the exception with no reasons (serializers and analyzers).</summary>
    public PolicyDeniedException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public PolicyDeniedException(string message)
        : base(message)
    {
        Reasons = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PolicyDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reasons = [];
    }

    /// <summary>Why it was refused, every rule that tripped.</summary>
    public IReadOnlyList<PolicyReason> Reasons { get; }
}
