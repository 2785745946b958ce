using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.Core.Tests.Unlocking;

/// <summary>A clock the tests move by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A software unlocker for Core's tests: the KEK is SHA-256 of the secret; counts unwraps.</summary>
public sealed class FakeKeyProvider(string kind = "fake") : IKeyProvider
{
    public int Unwraps { get; private set; }

    public string Kind => kind;

    public bool IsHardwareBacked => false;

    public KeyProviderHealth CheckHealth() => KeyProviderHealth.Healthy("fake");

    public SecretRequest? EnrolmentSecret(SlotBinding binding) =>
        new(SecretKind.Password, $"New secret for slot {binding.SlotId}", Confirm: true);

    public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        var parameters = new JsonObject { ["note"] = "fake" };
        SlotKeyWrap.Wrap(SHA256.HashData(secret), vaultKey, binding, parameters);
        return new SlotEnrolment(parameters);
    }

    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding) =>
        new(SecretKind.Password, $"Secret for slot {binding.SlotId}");

    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        Unwraps++;
        return SlotKeyWrap.Unwrap(SHA256.HashData(secret), parameters, binding);
    }
}

/// <summary>Answers every password request with one fixed secret.</summary>
public sealed class FixedSecretSource(string secret, bool interactive = false) : ISecretSource
{
    public int Reads { get; private set; }

    public bool IsInteractive => interactive;

    public SecureBuffer? TryRead(SecretRequest request)
    {
        Reads++;
        return request.Kind == SecretKind.Password ? SecureBuffer.CopyOf(System.Text.Encoding.UTF8.GetBytes(secret)) : null;
    }
}

/// <summary>A private temporary folder, removed after the test.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hsmwallet-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

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
