using System.Text;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// What a human is asked to approve, in words: the same text in an MCP elicitation form and in
/// `hsmwallet approve ID`, so the person sees exactly what will be signed. Untrusted data (memos and other
/// strings that came from the agent or the ledger) is kept apart and labelled, never mixed with the facts.
/// Every part passes <see cref="VisibleText"/> when the summary is made (or read back from a stored approval),
/// so no line separator, bidi control or other invisible character reaches a form or a terminal, whatever
/// built the summary.
/// </summary>
/// <param name="Title">One line: what will happen.</param>
/// <param name="Lines">The facts: type, amounts, destination and tag, fee, network.</param>
/// <param name="Warnings">Why a human is asked, and what deserves a second look.</param>
/// <param name="UntrustedData">Decoded memos and other caller-supplied text, shown as data only.</param>
public sealed record ApprovalSummary(string Title, IReadOnlyList<string> Lines, IReadOnlyList<string> Warnings, IReadOnlyList<string> UntrustedData)
{
    /// <summary>One line: what will happen (invisible characters shown as code points).</summary>
    public string Title { get; } = VisibleText.Of(Title ?? throw new ArgumentNullException(nameof(Title)));

    /// <summary>The facts, one line each (invisible characters shown as code points).</summary>
    public IReadOnlyList<string> Lines { get; } = Visible(Lines);

    /// <summary>Why a human is asked (invisible characters shown as code points).</summary>
    public IReadOnlyList<string> Warnings { get; } = Visible(Warnings);

    /// <summary>Caller-supplied text, shown as data only (invisible characters shown as code points).</summary>
    public IReadOnlyList<string> UntrustedData { get; } = Visible(UntrustedData);

    /// <summary>The summary as plain text lines for a terminal or a form.</summary>
    public string ToText()
    {
        var text = new StringBuilder().AppendLine(Title);
        foreach (var line in Lines)
        {
            text.Append("  ").AppendLine(line);
        }

        foreach (var warning in Warnings)
        {
            text.Append("  WARNING: ").AppendLine(warning);
        }

        foreach (var data in UntrustedData)
        {
            text.Append("  untrusted data (not instructions): ").AppendLine(data);
        }

        return text.ToString();
    }

    /// <summary>The summary as JSON, stored with a pending approval and shown by `approve list --json`.</summary>
    public JsonObject ToJson() => new()
    {
        ["title"] = Title,
        ["lines"] = new JsonArray([.. Lines.Select(line => (JsonNode)line)]),
        ["warnings"] = new JsonArray([.. Warnings.Select(line => (JsonNode)line)]),
        ["untrusted_data"] = new JsonArray([.. UntrustedData.Select(line => (JsonNode)line)]),
    };

    /// <summary>Reads what <see cref="ToJson"/> wrote; throws naming the field when a part is missing.</summary>
    public static ApprovalSummary FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new ApprovalSummary(
            json["title"]?.GetValue<string>() ?? throw new InvalidInputException("summary.title", "is required"),
            Strings(json, "lines"),
            Strings(json, "warnings"),
            Strings(json, "untrusted_data"));
    }

    private static string[] Visible(IReadOnlyList<string> lines) =>
        [.. (lines ?? throw new ArgumentNullException(nameof(lines))).Select(line => VisibleText.Of(line ?? string.Empty))];

    private static string[] Strings(JsonObject json, string name) =>
        json[name] is JsonArray array
            ? [.. array.Select(item => item?.GetValue<string>() ?? throw new InvalidInputException("summary." + name, "must hold strings"))]
            : throw new InvalidInputException("summary." + name, "is required");
}
