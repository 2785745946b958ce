using System.Diagnostics;
using System.Security.Cryptography;

namespace HsmWallet.KeyProviders.Password;

/// <summary>
/// Picks `init`'s Argon2id defaults for this machine, like cryptsetup's benchmark: 64 MiB, up to 4 lanes,
/// and as many passes (at least 3) as fit in the target time (half a second by default).
/// </summary>
public static class Argon2Calibration
{
    /// <summary>The unlock time `init` aims for.</summary>
    public static TimeSpan DefaultTarget { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Measures one-pass runs and returns parameters whose unlock takes about <paramref name="target"/> (never below the floor).</summary>
    public static Argon2Parameters Calibrate(IArgon2id? argon2 = null, TimeSpan? target = null)
    {
        argon2 ??= new LibArgon2id();
        var wanted = target ?? DefaultTarget;
        var floor = Argon2Parameters.Floor;
        var lanes = Math.Clamp(Environment.ProcessorCount, 1, floor.Parallelism);
        var probe = floor with { Iterations = 1, Parallelism = lanes };
        Span<byte> password = stackalloc byte[16];
        Span<byte> salt = stackalloc byte[32];
        Span<byte> output = stackalloc byte[32];
        RandomNumberGenerator.Fill(password);
        RandomNumberGenerator.Fill(salt);

        // The first run pays for page faults and thread start; the best of the next two is the pass time.
        argon2.DeriveKey(password, salt, probe, output);
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 2; i++)
        {
            var watch = Stopwatch.StartNew();
            argon2.DeriveKey(password, salt, probe, output);
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, watch.Elapsed.Ticks));
        }

        CryptographicOperations.ZeroMemory(output);
        var passes = best <= TimeSpan.Zero ? Argon2Parameters.MaximumIterations : (int)Math.Round(wanted / best);
        return probe with { Iterations = Math.Clamp(passes, floor.Iterations, 20) };
    }
}
