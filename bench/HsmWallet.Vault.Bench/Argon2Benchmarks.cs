using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using HsmWallet.KeyProviders.Password;

namespace HsmWallet.Vault.Bench;

/// <summary>Argon2id at the spec's costs (64 MiB, 3 passes, 4 lanes): libargon2 against Konscious.</summary>
[MemoryDiagnoser]
public class Argon2Benchmarks
{
    private static readonly Argon2Parameters Costs = new(64 * 1024, 3, 4);
    private readonly byte[] _password = "bench password"u8.ToArray();
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _output = new byte[32];
    private readonly LibArgon2id _native = new();

    [Benchmark(Baseline = true)]
    public void Libargon2() => _native.DeriveKey(_password, _salt, Costs, _output);

    [Benchmark]
    public byte[] Konscious()
    {
        using var argon2 = new Konscious.Security.Cryptography.Argon2id(_password)
        {
            Salt = _salt,
            Iterations = Costs.Iterations,
            MemorySize = Costs.MemoryKib,
            DegreeOfParallelism = Costs.Parallelism,
        };
        return argon2.GetBytes(32);
    }
}
