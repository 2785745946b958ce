namespace HsmWallet.Cli.Tests;

public class VersionTests
{
    [Fact]
    public void Version_prints_the_assembly_version_and_exits_zero()
    {
        var output = new StringWriter();
        var code = CliApplication.Run(["--version"], TextReader.Null, output, new StringWriter());
        Assert.Equal(0, code);
        Assert.StartsWith("0.1.0", output.ToString(), StringComparison.Ordinal);
    }
}
