using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Secp256k1;

namespace HsmWallet.Bench;

/// <summary>
/// Quick figures for bench/peer-compare.sh, which interleaves them with the peer's and xrpl.js's in one run:
/// whole-transaction signing per key type (the same transactions and seeds as bench/xrpljs/sign-bench.mjs), and the
/// password slot's Argon2id alone, and the raw PKCS#11 token round trip that an unlock costs (pooled session, login,
/// decrypt, logout).
/// </summary>
internal static class SideBySide
{
    /// <summary>`sign-loop SECONDS`: prints "NAME MICROSECONDS" per key type and secp256k1 engine (median of 5 batches).</summary>
    public static int SignLoop(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var native = LibSecp256k1Engine.TryCreate() ?? throw new InvalidOperationException(NativeSecp256k1.Missing);
        foreach (var (name, seed, engine) in new (string, string, ISecp256k1Engine)[]
        {
            ("secp256k1", "sp5fghtJtpUorTwvof1NpDXAzNwf5", native),
            ("secp256k1-managed", "sp5fghtJtpUorTwvof1NpDXAzNwf5", ManagedSecp256k1Engine.Instance),
            ("ed25519", "sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r", native),
        })
        {
            if (!Secp256k1Engines.TryInstall(engine))
            {
                throw new InvalidOperationException("libsecp256k1 does not agree with the managed engine.");
            }

            using var decoded = FamilySeed.Decode(Encoding.ASCII.GetBytes(seed));
            using var key = XrplSigningKey.FromSeed(decoded);
            var account = key.AccountId.ToClassicAddress();
            var sequence = 42;
            JsonObject Payment() => new()
            {
                ["TransactionType"] = "Payment",
                ["Account"] = account,
                ["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
                ["Amount"] = "1000000",
                ["Fee"] = "12",
                ["Sequence"] = sequence++,
                ["LastLedgerSequence"] = 1000000,
                ["DestinationTag"] = 7,
            };
            var batches = new List<double>();
            for (var warm = 0; warm < 200; warm++)
            {
                _ = TransactionSigner.Sign(Payment(), key);
            }

            for (var batch = 0; batch < 5; batch++)
            {
                var count = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds / 5)
                {
                    _ = TransactionSigner.Sign(Payment(), key);
                    count++;
                }

                batches.Add(clock.Elapsed.TotalMicroseconds / count);
            }

            batches.Sort();
            Console.WriteLine(FormattableString.Invariant($"{name} {batches[2]:F1}"));
        }

        return 0;
    }

    /// <summary>
    /// `kdf COUNT`: the password slot's Argon2id alone at the peer's parameters (64 MiB, t=3, p=4) through
    /// LibArgon2id, the unlocker's own binding; prints "kdf WALL_MS CPU_MS" (medians) after one warm-up run.
    /// </summary>
    public static int Kdf(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var argon2 = new LibArgon2id();
        var parameters = new Argon2Parameters(64 * 1024, 3, 4);
        var salt = RandomNumberGenerator.GetBytes(32);
        var output = new byte[32];
        argon2.DeriveKey("bench password"u8, salt, parameters, output);
        var samples = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < count; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            argon2.DeriveKey("bench password"u8, salt, parameters, output);
            samples.Add(clock.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }

        samples.Sort();
        cpu.Sort();
        Console.WriteLine(FormattableString.Invariant($"kdf {samples[samples.Count / 2]:F1} {cpu[cpu.Count / 2]:F1}"));
        return 0;
    }

    /// <summary>
    /// `token-roundtrip MODULE TOKEN_LABEL KEY_LABEL PIN_FILE COUNT`: the aes-gcm slot's token operation alone
    /// (Pkcs11Unlocker.Unwrap: pooled session, login, decrypt, logout); prints "token-roundtrip MEDIAN_MS".
    /// </summary>
    public static int TokenRoundTrip(string[] args)
    {
        var configuration = new Pkcs11SlotConfiguration(args[0], args[1], null, args[2], null, Pkcs11WrapMode.AesGcm);
        var pin = Encoding.ASCII.GetBytes(File.ReadAllText(args[3]).TrimEnd('\n'));
        var count = int.Parse(args[4], CultureInfo.InvariantCulture);
        var associatedData = Encoding.ASCII.GetBytes("bench|token-roundtrip");
        var wrapped = Pkcs11Unlocker.Wrap(configuration, RandomNumberGenerator.GetBytes(32), associatedData, pin).Wrapped;
        var destination = new byte[32];
        var samples = new List<double>();
        for (var i = 0; i < count + 5; i++)
        {
            var clock = Stopwatch.StartNew();
            Pkcs11Unlocker.Unwrap(configuration, wrapped, associatedData, pin, destination);
            if (i >= 5)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        samples.Sort();
        Console.WriteLine(FormattableString.Invariant($"token-roundtrip {samples[samples.Count / 2]:F3}"));
        return 0;
    }
}
