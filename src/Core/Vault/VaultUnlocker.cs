using System.Security.Cryptography;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;

namespace HsmWallet.Core.Vault;

/// <summary>
/// Chooses a slot and unwraps the vault key: the lockout is checked before any secret is read or KDF
/// run; each attempt is counted before the provider runs; the unwrapped key is checked against the
/// vault's key commitment.
/// </summary>
internal sealed class VaultUnlocker
{
    private readonly KeyProviderRegistry _providers;
    private readonly LockoutGuard _lockout;

    public VaultUnlocker(KeyProviderRegistry providers, LockoutGuard lockout)
    {
        _providers = providers;
        _lockout = lockout;
    }

    public (SecureBuffer VaultKey, SlotEntry Slot) Unlock(VaultDocument document, UnlockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Secrets);
        var explicitSlot = options.SlotId is not null;
        var candidates = explicitSlot
            ? [document.Slots.Find(slot => slot.Id == options.SlotId)
                ?? throw new UnlockFailedException(UnlockFailureReason.NoSuchSlot, "slot: is not in the vault's slot table")]
            : document.Slots;

        var hasHistory = _lockout.ThrowIfLockedOut();

        var (quiet, prompting) = Split(options.Secrets);
        Exception? unavailable = null;
        foreach (var (sources, isPrompt) in new[] { (quiet, false), (prompting, true) })
        {
            if (sources is null)
            {
                continue;
            }

            foreach (var slot in candidates)
            {
                var provider = _providers.TryCreate(slot.Kind);
                if (provider is null)
                {
                    if (explicitSlot)
                    {
                        throw new UnlockFailedException(UnlockFailureReason.NoSuchSlot, $"slot {slot.Id}: no unlocker of kind '{slot.Kind}' is available here");
                    }

                    continue;
                }

                var binding = new SlotBinding(document.VaultId, slot.Id, slot.Kind);
                var request = provider.UnlockSecret(slot.Parameters, binding);
                if (request is null && isPrompt)
                {
                    continue;
                }

                var secret = request is null ? new SecureBuffer(0) : sources.TryRead(request);
                if (secret is null)
                {
                    continue;
                }

                using (secret)
                {
                    try
                    {
                        return (Attempt(document, slot, provider, binding, secret, request?.Kind, hasHistory), slot);
                    }
                    catch (KeyProviderUnavailableException exception)
                    {
                        if (explicitSlot)
                        {
                            throw new UnlockFailedException(UnlockFailureReason.ProviderUnavailable, $"slot {slot.Id} ({slot.Kind}): {exception.Message}", exception);
                        }

                        unavailable = exception;
                    }
                }
            }
        }

        if (unavailable is not null)
        {
            throw new UnlockFailedException(UnlockFailureReason.ProviderUnavailable, $"no slot could be used: {unavailable.Message}", unavailable);
        }

        throw new UnlockFailedException(
            UnlockFailureReason.NoSecret,
            "no secret was given for any slot: use --password-file, --key-file, --pin-file, a systemd credential, or a terminal prompt");
    }

    private static (ISecretSource? Quiet, ISecretSource? Prompting) Split(ISecretSource secrets) => secrets switch
    {
        SecretSourceChain chain => (chain.WithoutPrompts(), chain.IsInteractive ? chain.PromptsOnly() : null),
        _ when secrets.IsInteractive => (null, secrets),
        _ => (secrets, null),
    };

    private SecureBuffer Attempt(
        VaultDocument document, SlotEntry slot, IKeyProvider provider, SlotBinding binding, SecureBuffer secret, SecretKind? kind, bool hasHistory)
    {
        // Secrets a person types (password, PIN, recovery key) are counted before the KDF runs, so neither a
        // crash nor parallel guesses escape the count; key files and secret-less hardware slots cannot be
        // guessed, so their failures are counted afterwards and a success costs no write.
        var guessable = kind is SecretKind.Password or SecretKind.Pin or SecretKind.RecoveryKey;
        var attempt = guessable ? _lockout.BeginAttempt() : null;
        SecureBuffer? vaultKey = null;
        try
        {
            vaultKey = provider.Unwrap(slot.Parameters, binding, secret.ReadOnlySpan);
            var check = RecordCipher.KeyCheck(vaultKey.ReadOnlySpan, document.VaultId);
            if (!CryptographicOperations.FixedTimeEquals(check, document.KeyCheck))
            {
                throw new UnlockFailedException(UnlockFailureReason.WrongSecret, $"slot {slot.Id} ({slot.Kind}): the unwrapped key is not this vault's key");
            }

            if (attempt is not null)
            {
                attempt.Succeeded();
            }
            else if (hasHistory)
            {
                _lockout.RecordSuccess();
            }

            var result = vaultKey;
            vaultKey = null;
            return result;
        }
        catch (Exception exception) when (exception is KeyProviderUnavailableException or InvalidInputException)
        {
            // Nothing was tested against the secret: the attempt does not count.
            attempt?.Cancelled();
            throw;
        }
        catch (Exception) when (attempt is null)
        {
            _lockout.RecordFailure();
            throw;
        }
        finally
        {
            vaultKey?.Dispose();
        }
    }
}
