using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.Tests.EndToEnd;

/// <summary>Counts unwraps across the provider instances a registry makes (it makes one per unlock).</summary>
public sealed class UnwrapCounter
{
    private int _unwraps;

    public int Unwraps => Volatile.Read(ref _unwraps);

    public void Increment() => Interlocked.Increment(ref _unwraps);
}

/// <summary>Wraps a provider and counts its unwraps, to prove the vault key is unwrapped per operation and never cached.</summary>
public sealed class CountingKeyProvider(IKeyProvider inner, UnwrapCounter counter) : IKeyProvider
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
