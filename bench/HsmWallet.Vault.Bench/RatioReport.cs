using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;

namespace HsmWallet.Vault.Bench;

/// <summary>
/// Prints median times: reference `argon2`, libargon2 through P/Invoke, Konscious, a whole password unlock
/// (Argon2id + unwrap) and a key-file operation (read vault, unwrap, decrypt one record), with ratios.
/// </summary>
public static class RatioReport
{
    public static int Run(string[] args)
    {
        var memoryKib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 65536;
        var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var parallelism = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
        var runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 9;
        var costs = new Argon2Parameters(memoryKib, iterations, parallelism);
        var password = "bench password"u8.ToArray();
        var salt = RandomNumberGenerator.GetBytes(32);
        var output = new byte[32];
        Console.WriteLine($"Argon2id m={memoryKib} KiB t={iterations} p={parallelism}, median of {runs} runs, {Environment.ProcessorCount} cores");

        // Interleaved so machine load hits every column alike; wall against wall, CPU against CPU.
        var referenceWall = new List<double>();
        var referenceCpu = new List<double>();
        var nativeWall = new List<double>();
        var nativeCpu = new List<double>();
        var konsciousWall = new List<double>();
        var konsciousCpu = new List<double>();
        var argon2 = new LibArgon2id();
        argon2.DeriveKey(password, salt, costs, output);
        for (var i = 0; i < runs; i++)
        {
            if (ReferenceArgon2.WallMilliseconds(memoryKib, iterations, parallelism) is { } wall)
            {
                referenceWall.Add(wall);
            }

            if (ReferenceArgon2.CpuMilliseconds(memoryKib, iterations, parallelism) is { } cpu)
            {
                referenceCpu.Add(cpu);
            }

            var (ourWall, ourCpu) = Measure.Once(() => argon2.DeriveKey(password, salt, costs, output));
            nativeWall.Add(ourWall);
            nativeCpu.Add(ourCpu);
            var (managedWall, managedCpu) = Measure.Once(() => Konscious(password, salt, costs));
            konsciousWall.Add(managedWall);
            konsciousCpu.Add(managedCpu);
        }

        double? referenceMedian = referenceWall.Count > 0 ? Measure.Median(referenceWall) : null;
        double? referenceCpuMedian = referenceCpu.Count > 0 ? Measure.Median(referenceCpu) : null;
        var native = Measure.Median(nativeWall);
        var unlock = PasswordUnlock(costs, runs);
        var keyFile = KeyFileOperation(Math.Max(runs, 201));

        Report("reference argon2 -r (C tool), wall", referenceMedian, referenceMedian);
        Report("libargon2 via P/Invoke, wall", native, referenceMedian);
        Report("reference argon2, CPU (its own clock())", referenceCpuMedian, referenceCpuMedian);
        Report("libargon2 via P/Invoke, CPU", Measure.Median(nativeCpu), referenceCpuMedian);
        Report("Konscious 1.3.1 (managed), wall", Measure.Median(konsciousWall), referenceMedian);
        Report("Konscious 1.3.1 (managed), CPU", Measure.Median(konsciousCpu), referenceCpuMedian);
        Report("password slot unwrap (KDF + GCM), wall", unlock, referenceMedian);
        Console.WriteLine($"{"key-file op (read, unwrap, decrypt 1), wall",-44} {keyFile,9:0.000} ms");
        return 0;
    }

    private static void Report(string name, double? milliseconds, double? reference)
    {
        var ratio = milliseconds is { } value && reference is { } baseline && baseline > 0 ? $"{value / baseline:0.00}x reference" : "(argon2 tool missing: apt-get install argon2)";
        Console.WriteLine($"{name,-44} {milliseconds,9:0.0} ms  {ratio}");
    }

    private static void Konscious(byte[] password, byte[] salt, Argon2Parameters costs)
    {
        using var argon2 = new Konscious.Security.Cryptography.Argon2id(password)
        {
            Salt = salt,
            Iterations = costs.Iterations,
            MemorySize = costs.MemoryKib,
            DegreeOfParallelism = costs.Parallelism,
        };
        argon2.GetBytes(32);
    }

    private static double PasswordUnlock(Argon2Parameters costs, int runs)
    {
        var provider = new PasswordKeyProvider(costs);
        var binding = new SlotBinding(RandomNumberGenerator.GetBytes(16), 1, provider.Kind);
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var secret = Encoding.UTF8.GetBytes("bench password");
        var parameters = provider.Enrol(vaultKey, binding, secret).Parameters;
        return Measure.MedianMilliseconds(runs, () => provider.Unwrap(parameters, binding, secret).Dispose());
    }

    private static double KeyFileOperation(int runs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "hsmwallet-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var home = WalletHome.At(directory);
            var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
            vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));
            var unlock = new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()));
            for (var i = 0; i < 10; i++)
            {
                vault.AddWallet(unlock, new WalletDescription($"w{i}", "ed25519", "testnet", $"r{i:D6}".PadRight(30, 'x'), "ED00"), RandomNumberGenerator.GetBytes(32));
            }

            return Measure.MedianMilliseconds(runs, () => vault.WithWalletSecret(unlock, "w5", (secret, _) => secret[0]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
