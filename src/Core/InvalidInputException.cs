namespace HsmWallet.Core;

/// <summary>
/// Raised for input that breaks a rule, so callers can tell the user which field was wrong and why
/// without ever echoing the (possibly secret) value itself.
/// </summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Creates the error for one field and the one rule it broke.</summary>
    public InvalidInputException(string field, string rule)
        : base($"{field}: {rule}")
    {
        Field = field;
        Rule = rule;
    }

    /// <summary>Creates the error with an inner cause kept for diagnostics, never for display.</summary>
    public InvalidInputException(string field, string rule, Exception innerException)
        : base($"{field}: {rule}", innerException)
    {
        Field = field;
        Rule = rule;
    }

    /// <summary>Names the offending field so scripts and agents can point at it.</summary>
    public string Field { get; }

    /// <summary>States the rule in words, never the offending value.</summary>
    public string Rule { get; }
}
