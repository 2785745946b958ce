using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;

namespace HsmWallet.Cli.Tests.Hardware;

public sealed class TpmCommandTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Tpm_status_reports_the_maker_firmware_and_lockout_counters_and_provision_makes_the_storage_key_persistent()
    {
        var before = HardwareCliProcess.Run(NoEnvironment, "tpm", "status", "--tcti", swtpm.Tcti, "--json");
        var provisioned = HardwareCliProcess.Run(NoEnvironment, "tpm", "provision", "--tcti", swtpm.Tcti, "--json");
        var again = HardwareCliProcess.Run(NoEnvironment, "tpm", "provision", "--tcti", swtpm.Tcti, "--json");

        Assert.Equal(0, before.ExitCode);
        var status = JsonNode.Parse(before.Stdout)!;
        Assert.Equal("IBM", (string)status["manufacturer"]!);
        Assert.False(string.IsNullOrEmpty((string)status["firmware"]!));
        Assert.False((bool)status["lockout"]!["in_lockout"]!);
        Assert.True((uint)status["lockout"]!["max_failed_attempts"]! > 0);
        Assert.False((bool)status["persistent_srk"]!);
        Assert.Equal(0, provisioned.ExitCode);
        Assert.True((bool)JsonNode.Parse(provisioned.Stdout)!["persistent_srk"]!);
        Assert.True((bool)JsonNode.Parse(provisioned.Stdout)!["created"]!);
        Assert.False((bool)JsonNode.Parse(again.Stdout)!["created"]!);
    }

    [Fact]
    public void The_TCTI_can_come_from_the_environment()
    {
        var result = HardwareCliProcess.Run(new Dictionary<string, string> { ["HSMWALLET_TPM_TCTI"] = swtpm.Tcti }, "tpm", "status", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(swtpm.Tcti, (string)JsonNode.Parse(result.Stdout)!["tcti"]!);
    }

    [Fact]
    public void A_TPM_that_does_not_answer_is_reported_as_no_device()
    {
        var result = CliProcess.Run(null, "tpm", "status", "--tcti", "swtpm:host=127.0.0.1,port=1", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("tpm_nodevice", (string)JsonNode.Parse(result.Stdout)!["error"]!["code"]!);
    }
}
