using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.Hosting.Application;

/// <summary>
/// Unlockers whose unwraps are timed for a host's metrics (the unlock latency per unlocker kind), wrapped here in the
/// application layer so no front end names an unlocker; everything but the timing is passed on unchanged.
/// </summary>
public static class TimedKeyProviders
{
    /// <summary>The unlockers of <paramref name="inner"/>, each unwrap reported to <paramref name="observe"/> with its kind and duration.</summary>
    public static KeyProviderRegistry Wrap(KeyProviderRegistry inner, Action<string, TimeSpan> observe)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(observe);
        var registry = new KeyProviderRegistry();
        foreach (var kind in inner.Kinds)
        {
            registry.Register(kind, () => new TimedKeyProvider(inner.Create(kind), observe));
        }

        return registry;
    }

    private sealed class TimedKeyProvider(IKeyProvider inner, Action<string, TimeSpan> observe) : IKeyProvider
    {
        public string Kind => inner.Kind;

        public bool IsHardwareBacked => inner.IsHardwareBacked;

        public KeyProviderHealth CheckHealth() => inner.CheckHealth();

        public SecretRequest? EnrolmentSecret(SlotBinding binding) => inner.EnrolmentSecret(binding);

        public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret) => inner.Enrol(vaultKey, binding, secret);

        public SecretRequest? UnlockSecret(System.Text.Json.Nodes.JsonObject parameters, SlotBinding binding) => inner.UnlockSecret(parameters, binding);

        public SecureBuffer Unwrap(System.Text.Json.Nodes.JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                return inner.Unwrap(parameters, binding, secret);
            }
            finally
            {
                observe(inner.Kind, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
        }
    }
}
