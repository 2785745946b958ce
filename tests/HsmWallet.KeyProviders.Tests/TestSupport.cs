using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using HsmWallet.Core.Secrets;
using HsmWallet.KeyProviders.Password;

[assembly: SupportedOSPlatform("linux")]

namespace HsmWallet.KeyProviders.Tests;

/// <summary>A private temporary folder, removed after the test.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hsmwallet-kp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the tests move by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The real libargon2, counting how often the KDF runs: the seam that proves lockout stops it.</summary>
public sealed class CountingArgon2 : IArgon2id
{
    private readonly LibArgon2id _inner = new();
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2Parameters parameters, Span<byte> output)
    {
        Interlocked.Increment(ref _runs);
        _inner.DeriveKey(password, salt, parameters, output);
    }

    public Core.Unlocking.KeyProviderHealth CheckHealth() => _inner.CheckHealth();
}

/// <summary>Answers requests of the given kinds with fixed bytes.</summary>
public sealed class ScriptedSecrets(SecretKind kind, byte[] secret) : ISecretSource
{
    public bool IsInteractive => false;

    public static ScriptedSecrets Password(string password) => new(SecretKind.Password, Encoding.UTF8.GetBytes(password));

    public SecureBuffer? TryRead(SecretRequest request) => request.Kind == kind ? SecureBuffer.CopyOf(secret) : null;
}

/// <summary>Starts the test host program as a child process.</summary>
public static class TestHost
{
    public static Process Start(params string[] arguments) => Start(arguments, new Dictionary<string, string>());

    public static Process Start(string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Less start-up CPU for the many short-lived children on a two-core machine.
        start.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "HsmWallet.Vault.TestHost.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}

/// <summary>Small Argon2 costs so tests stay fast; the calibrated defaults have their own test.</summary>
public static class TestCosts
{
    public static Argon2Parameters Small { get; } = new(8 * 1024, 1, 1);
}
