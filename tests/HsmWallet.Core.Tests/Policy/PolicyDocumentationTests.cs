using HsmWallet.Core.Policy;

namespace HsmWallet.Core.Tests.Policy;

public sealed class PolicyDocumentationTests
{
    [Fact]
    public void The_example_file_in_docs_policy_md_is_a_valid_policy()
    {
        var text = File.ReadAllText(Repository.PathOf("docs", "policy.md"));
        var start = text.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var end = text.IndexOf("```", start, StringComparison.Ordinal);

        var document = PolicyDocument.Parse(text[start..end]);

        Assert.NotNull(document.RulesFor("mainnet", PolicyTestData.Wallet));
    }
}
