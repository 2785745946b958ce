using System.Text;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

/// <summary>Inputs the audit-line fuzz target (tools/fuzz.sh audit-line) found crashing the entry reader, kept as found.</summary>
public sealed class AuditFuzzFindingsTests
{
    // AFL++'s crash files, base64: audit lines with bytes that are not UTF-8 inside a string (0x80, 0xFF, ...).
    private static readonly string[] Found =
    [
        "eyJhY3RvciI6eyJpZCI6InQiLCJ0eXBlIjoidXNlciJ9LCJjb3JyZWxhdGlvbklkIjoiYzEiLCJldmVudFR5cGUiOiJ0cmFuc2FjdGlvbi5zaWduIiwiaGFzaCI6IjNjZTYiLCJpZCI6IjQ0NzJhNjBkLTU5ZTEtNDdiOS05YjE5LWQ0ODYzOTE2ZTgwZCIsIm9wZXJhdGlvbiI6eyJuYW1lIjoidHhfIiwicGFyYW1ldGVycyI6eyJzZXEiOiJtYWluIn0sInJlc3VsdCI6InN1Y2Nlc3MifSwicJBldmlvbmNlIjoxLCJ0aW1lc3RhbXAiOiIyMDJaIiwidG9vbE5hbWUiOiJpZ24ifQ==",
        "eyJhY3RvciI6eyJpZCI6InQiLCIiOiJ1c2VyIn0sImMiOiJjMSIsImUiOiIiLCJoYXNoIjp7ImVycyI6eyJzZXEiOiJtYWluIn0sInJlc3VsdCI6InN1cyJ9LCJwcmV2aW91k0hhc2giOiIiLCJzZXF1ZW5jZSI6MSwicCI6IiIsInRhbWUiOiJpZ24ifQ==",
        "eyJhY3RvciI6eyJpZCI6InQiLCIiOiJ1c2VyIn0sIlIiOiJjMSIsImUiOiIiLCJoYXNoIjoiM2NlNiIsImlkIjoiNDQwZCIsIm9wZS9uIjp7Im5hcyI6eyJzZXEiOiJtYWluIn0sInJ0IjoiZXNzIn0sInByZXZpb3VzSGFzaCI6MSwidGlhbXAiOiIyMDJaIiwigG9vLyI6ImlnbiJ9",
        "eyJhY3RvciI6eyJzZCI6InQiLCJ0eXBlIjoidXNlciJ9LCJjb3JyZWxhdGlvbklkIjoiYzEiLCJldmVudFR5cGUiOiJ0cmFuc2FjdGlvbi5zaWduIiwiaGFzaCI6IjNjZTYiLCJpZCI6IjQ0NzJhNjBkLTU5ZTEtNDdiOS05YjE5LWQ0ODYzOTE2ZTgwZCIsIm9wZXJhdGlvbiI6eyJuYW1lIjoidHhfIiwicGFyYW1ldGVycyI6eyJzZXEiOiJtYWluIn0sInJlc3VsdCI6InN1Y2NlhXMifSwicD1zaCI6IjkwNmEiLCJzZXF1ZW5jZSI6MSwidGltZXN0YW1wIjoiMjAyWiIsInRvb2xOYW1lIjoiaWduIn0=",
    ];

    public static TheoryData<int> FoundIndexes => [.. Enumerable.Range(0, Found.Length)];

    [Theory]
    [MemberData(nameof(FoundIndexes))]
    public void An_audit_line_found_by_fuzzing_is_refused_naming_the_entry(int index)
    {
        var line = Convert.FromBase64String(Found[index]);

        var error = Assert.Throws<InvalidInputException>(() => AuditEntry.Parse(line));

        Assert.Equal("audit_entry", error.Field);
        // The verifier's chain-field reader answers for the same line without throwing.
        _ = AuditLineFields.TryRead(line, out _);
    }

    [Fact]
    public void A_line_whose_strings_are_not_UTF_8_is_refused_as_not_UTF_8_text()
    {
        var line = Encoding.UTF8.GetBytes("""{"toolName":"tx_sign"}""");
        line[14] = 0xFF;

        var error = Assert.Throws<InvalidInputException>(() => AuditEntry.Parse(line));

        Assert.Equal("audit_entry", error.Field);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_with_a_key_given_twice_is_refused_because_it_could_mean_either_value()
    {
        var line = Encoding.UTF8.GetBytes("""{"toolName":"tx_sign","toolName":"wallet_list"}""");

        var error = Assert.Throws<InvalidInputException>(() => AuditEntry.Parse(line));

        Assert.Equal("audit_entry", error.Field);
    }
}
