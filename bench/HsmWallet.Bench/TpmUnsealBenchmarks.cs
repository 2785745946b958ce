using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.Bench;

/// <summary>
/// TPM unseal latency on swtpm (one unseal per measurement, so median and p99 are per operation):
/// bare password session against the salted, AES-CFB encrypted session, with and without a PCR
/// policy, and the whole unlock with the default Argon2id PIN cost. Uses $HSMWALLET_TPM_TCTI when
/// set, else starts a private swtpm with tools/start-swtpm.sh.
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*TpmUnseal*'
/// (a slot sealed after ProvisionSrk uses the persistent SRK: no primary key derivation per unlock).
/// </summary>
[Config(typeof(TpmUnsealBenchmarkConfig))]
[SimpleJob(RunStrategy.Monitoring, warmupCount: 10, iterationCount: 100)]
public class TpmUnsealBenchmarks
{
    private static readonly byte[] Pin = Encoding.UTF8.GetBytes("4711");
    private static readonly TpmPinKdfCost CheapCost = new(64, 1, 1);

    private readonly TpmSealer sealer = new(new LibArgon2PinHasher());
    private readonly byte[] destination = new byte[32];
    private string tcti = string.Empty;
    private string? stateDirectory;
    private TpmSlotParameters pinOnly = null!;
    private TpmSlotParameters pinAndPcr = null!;
    private TpmSlotParameters pinDefaultCost = null!;
    private TpmSlotParameters pinOnlyPersistentSrk = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configured = Environment.GetEnvironmentVariable(TpmTcti.EnvironmentVariable);
        if (string.IsNullOrEmpty(configured))
        {
            var output = RunScript("start");
            tcti = Line(output, "TCTI=");
            stateDirectory = Line(output, "STATE_DIR=");
        }
        else
        {
            tcti = configured;
        }

        var key = new byte[32];
        pinOnly = sealer.Seal(tcti, key, Pin, [], CheapCost);
        pinAndPcr = sealer.Seal(tcti, key, Pin, [7], CheapCost);
        pinDefaultCost = sealer.Seal(tcti, key, Pin, [], TpmPinKdfCost.Default);
        if (stateDirectory is not null)
        {
            // Only on the private simulator: the slots above keep using the template primary.
            TpmSealer.ProvisionSrk(tcti);
            pinOnlyPersistentSrk = sealer.Seal(tcti, key, Pin, [], CheapCost);
        }
        else
        {
            pinOnlyPersistentSrk = pinOnly;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (stateDirectory is not null)
        {
            RunScript("stop", stateDirectory);
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "unseal, password session (bare)")]
    public void Bare() => sealer.Unseal(pinOnly, tcti, Pin, destination, TpmUnsealTransport.PasswordSession);

    [Benchmark(Description = "unseal, salted AES-CFB session")]
    public void SaltedSession() => sealer.Unseal(pinOnly, tcti, Pin, destination);

    [Benchmark(Description = "unseal, salted AES-CFB session, persistent SRK")]
    public void SaltedSessionPersistentSrk() => sealer.Unseal(pinOnlyPersistentSrk, tcti, Pin, destination);

    [Benchmark(Description = "unseal, salted policy session, PCR 7 + PIN")]
    public void SaltedPolicySession() => sealer.Unseal(pinAndPcr, tcti, Pin, destination);

    [Benchmark(Description = "whole unlock: Argon2id default cost + salted session")]
    public void WholeUnlock() => sealer.Unseal(pinDefaultCost, tcti, Pin, destination);

    private static string Line(string output, string prefix) =>
        output.Split('\n').First(line => line.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    private static string RunScript(params string[] arguments)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HsmWallet.sln")))
        {
            directory = directory.Parent;
        }

        var script = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"), "tools", "start-swtpm.sh");
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException("start-swtpm.sh failed");
    }
}

/// <summary>Adds median and p99 columns, the latency figures the TPM target is stated in.</summary>
public sealed class TpmUnsealBenchmarkConfig : ManualConfig
{
    public TpmUnsealBenchmarkConfig()
    {
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
    }
}
