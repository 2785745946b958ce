namespace HsmWallet.Core.Tests.Fixtures;

public class XrplFixturesTests
{
    [Fact]
    public void The_reference_vectors_are_read_from_the_test_output_and_from_nowhere_outside_it()
    {
        var output = Path.GetFullPath(AppContext.BaseDirectory);
        var directory = Path.GetFullPath(XrplFixtures.Directory);

        Assert.StartsWith(output, directory, StringComparison.Ordinal);
        Assert.DoesNotContain($"{Path.DirectorySeparatorChar}shared{Path.DirectorySeparatorChar}", directory, StringComparison.Ordinal);
        Assert.True(File.Exists(XrplFixtures.PathOf("codec-fixtures.json")));
    }

    [Fact]
    public void A_vector_that_is_not_in_the_repository_is_named_in_the_error()
    {
        var error = Assert.Throws<FileNotFoundException>(() => XrplFixtures.PathOf("no-such-vector.json"));

        Assert.Contains("no-such-vector.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("tests/Fixtures/xrpl/", error.Message, StringComparison.Ordinal);
    }
}
