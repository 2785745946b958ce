using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>Wraps a real unlocker and counts its unwraps, so tests can assert one unlock per signing operation.</summary>
public sealed class CountingKeyProvider(IKeyProvider inner, UnlockCounter counter) : IKeyProvider
{
    public string Kind => inner.Kind;

    public bool IsHardwareBacked => inner.IsHardwareBacked;

    public KeyProviderHealth CheckHealth() => inner.CheckHealth();

    public SecretRequest? EnrolmentSecret(SlotBinding binding) => inner.EnrolmentSecret(binding);

    public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret) => inner.Enrol(vaultKey, binding, secret);

    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding) => inner.UnlockSecret(parameters, binding);

    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        counter.Increment();
        return inner.Unwrap(parameters, binding, secret);
    }
}

/// <summary>How many times the vault key was unwrapped.</summary>
public sealed class UnlockCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
