using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Pkcs11.Session;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.Bench;

/// <summary>
/// Per-operation unwrap latency on a private SoftHSM2 token, one measured operation per iteration so median
/// and p99 are per unwrap: the engine's policy (pooled session, login, unwrap, logout) for each mode, against
/// a session kept logged in (decrypt only), the option HsmWallet rejects.
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*Pkcs11Unwrap*'
/// </summary>
[Config(typeof(Pkcs11UnwrapConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 50, iterationCount: 1000, invocationCount: 1)]
public class Pkcs11UnwrapBenchmarks
{
    private const string Module = "/usr/lib/softhsm/libsofthsm2.so";
    private static readonly byte[] Pin = Encoding.ASCII.GetBytes("246810");
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("slot:1|format:1");

    private readonly byte[] destination = new byte[32];
    private string root = string.Empty;
    private Pkcs11SlotConfiguration aesGcm = null!;
    private Pkcs11SlotConfiguration ecies = null!;
    private Pkcs11SlotConfiguration rsaOaep = null!;
    private byte[] wrappedAes = [];
    private byte[] wrappedEcies = [];
    private byte[] wrappedRsa = [];
    private Pkcs11TokenContext keptToken = null!;
    private ISession? keptSession;
    private IObjectHandle keptKey = null!;
    private IMechanism keptMechanism = null!;
    private byte[] keptCiphertext = [];

    [GlobalSetup]
    public void Setup()
    {
        root = Directory.CreateTempSubdirectory("hsmwallet-bench-softhsm-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "tokens"));
        var config = Path.Combine(root, "softhsm2.conf");
        File.WriteAllText(config, $"directories.tokendir = {root}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n");
        _ = SetEnvironment("SOFTHSM2_CONF", config, 1);
        Pkcs11Provisioner.InitializeToken(Module, "bench", Encoding.ASCII.GetBytes("13579111"), Pin);
        aesGcm = new Pkcs11SlotConfiguration(Module, "bench", null, "aes", null, Pkcs11WrapMode.AesGcm);
        ecies = new Pkcs11SlotConfiguration(Module, "bench", null, "ec", null, Pkcs11WrapMode.Ecies);
        rsaOaep = new Pkcs11SlotConfiguration(Module, "bench", null, "rsa", null, Pkcs11WrapMode.RsaOaep);
        Pkcs11Provisioner.GenerateKey(aesGcm, Pin);
        Pkcs11Provisioner.GenerateKey(ecies, Pin);
        Pkcs11Provisioner.GenerateKey(rsaOaep, Pin);
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        wrappedAes = Pkcs11Unlocker.Wrap(aesGcm, vaultKey, AssociatedData, Pin).Wrapped;
        wrappedEcies = Pkcs11Unlocker.Wrap(ecies, vaultKey, AssociatedData, Pin).Wrapped;
        wrappedRsa = Pkcs11Unlocker.Wrap(rsaOaep, vaultKey, AssociatedData, Pin).Wrapped;

        Pkcs11Module.For(Module).Execute(aesGcm, token =>
        {
            keptToken = token;
            return true;
        });
        var factories = new Pkcs11InteropFactories();
        keptMechanism = factories.MechanismFactory.Create(CKM.CKM_AES_GCM, factories.MechanismParamsFactory.CreateCkGcmParams(wrappedAes[..12], 96, AssociatedData, 128));
        keptCiphertext = wrappedAes[12..];
    }

    /// <summary>The rejected alternative: one session logged in for the life of the process.</summary>
    [GlobalSetup(Target = nameof(AesGcmKeptSession))]
    public void SetupKeptSession()
    {
        Setup();
        keptSession = keptToken.Slot.OpenSession(SessionType.ReadOnly);
        keptToken.LoginGate.Enter(keptSession, Pin);
        keptKey = FindAesKey(keptSession);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (keptSession is not null)
        {
            keptToken.LoginGate.Exit(keptSession);
            keptSession.Dispose();
        }

        Directory.Delete(root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "aes-gcm: login, unwrap, logout")]
    public byte AesGcmPerOperationLogin()
    {
        Pkcs11Unlocker.Unwrap(aesGcm, wrappedAes, AssociatedData, Pin, destination);
        return destination[0];
    }

    [Benchmark(Description = "ecies: login, ECDH, HKDF, GCM, logout")]
    public byte EciesPerOperationLogin()
    {
        Pkcs11Unlocker.Unwrap(ecies, wrappedEcies, AssociatedData, Pin, destination);
        return destination[0];
    }

    [Benchmark(Description = "rsa-oaep (3072): login, OAEP, GCM, logout")]
    public byte RsaOaepPerOperationLogin()
    {
        Pkcs11Unlocker.Unwrap(rsaOaep, wrappedRsa, AssociatedData, Pin, destination);
        return destination[0];
    }

    [Benchmark(Description = "aes-gcm: open, login, find, decrypt, logout, close (no pool)")]
    public byte AesGcmUnpooledSession()
    {
        using var session = keptToken.Slot.OpenSession(SessionType.ReadOnly);
        keptToken.LoginGate.Enter(session, Pin);
        try
        {
            var plain = session.Decrypt(keptMechanism, FindAesKey(session), keptCiphertext);
            var first = plain[0];
            CryptographicOperations.ZeroMemory(plain);
            return first;
        }
        finally
        {
            keptToken.LoginGate.Exit(session);
        }
    }

    [Benchmark(Description = "aes-gcm: kept logged-in session, decrypt only")]
    public byte AesGcmKeptSession()
    {
        var plain = keptSession!.Decrypt(keptMechanism, keptKey, keptCiphertext);
        var first = plain[0];
        CryptographicOperations.ZeroMemory(plain);
        return first;
    }

    private static IObjectHandle FindAesKey(ISession session) => session.FindAllObjects(
    [
        session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, "aes"),
    ]).Single();

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}

/// <summary>Adds median, p95 and p99 per operation to the summary.</summary>
public sealed class Pkcs11UnwrapConfig : ManualConfig
{
    public Pkcs11UnwrapConfig()
    {
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
    }

    private sealed class PercentileColumn(int percentile) : IColumn
    {
        public string Id => $"P{percentile}";

        public string ColumnName => $"P{percentile}";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => $"{percentile}th percentile of single operations";

        public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            if (statistics is null)
            {
                return "NA";
            }

            var nanoseconds = statistics.Percentiles.Percentile(percentile);
            return $"{nanoseconds / 1000.0:N1} us";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;
    }
}
