using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmTctiTests
{
    [Fact]
    public void The_option_wins_then_the_environment_then_the_kernel_resource_manager()
    {
        var saved = Environment.GetEnvironmentVariable(TpmTcti.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(TpmTcti.EnvironmentVariable, "swtpm:host=127.0.0.1,port=2321");
            Assert.Equal("tabrmd:", TpmTcti.Resolve("tabrmd:"));
            Assert.Equal("swtpm:host=127.0.0.1,port=2321", TpmTcti.Resolve(null));

            Environment.SetEnvironmentVariable(TpmTcti.EnvironmentVariable, null);
            Assert.Equal("device:/dev/tpmrm0", TpmTcti.Resolve(" "));
        }
        finally
        {
            Environment.SetEnvironmentVariable(TpmTcti.EnvironmentVariable, saved);
        }
    }
}
