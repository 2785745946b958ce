using System.Globalization;
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

        // While locked, slots whose secret a person could guess (passwords, PINs without a device counter) are
        // skipped before their secret is read; high-entropy slots still open the vault. The record is read when first
        // needed (a guessable slot, or a success that may lift a lock), so a key-file unlock in the server reads none.
        LockedOutException? locked = null;
        var lockChecked = false;
        LockedOutException? Locked()
        {
            if (!lockChecked)
            {
                lockChecked = true;
                try
                {
                    _ = _lockout.ThrowIfLockedOut();
                }
                catch (LockedOutException exception)
                {
                    locked = exception;
                }
            }

            return locked;
        }

        var (quiet, prompting) = Split(options.Secrets);
        Exception? unavailable = null;
        var skipped = false;
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

                var guarded = IsGuarded(provider, request);
                if (guarded && Locked() is { } lockedNow)
                {
                    if (explicitSlot)
                    {
                        throw WithWayOut(lockedNow, document);
                    }

                    skipped = true;
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
                        return (Attempt(document, slot, provider, binding, secret, guarded, () => Locked() is not null, options.ResetsLockout), slot);
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

        if (skipped && locked is not null && unavailable is null)
        {
            throw WithWayOut(locked, document);
        }

        if (unavailable is not null)
        {
            throw Standing(UnlockFailureReason.ProviderUnavailable, $"no slot could be used: {unavailable.Message}", unavailable, _lockout.TriesLeft());
        }

        throw Standing(
            UnlockFailureReason.NoSecret,
            "no secret was given for any slot: give a password file (password_file), a key file (key_file), a PIN file (pin_file), a systemd credential, or type it at a terminal prompt",
            null,
            _lockout.TriesLeft());
    }

    /// <summary>
    /// Passwords and PINs a person could guess are held back by the lockout; key files, recovery keys, secret-less
    /// slots and devices that count wrong PINs themselves (a TPM) are not.
    /// </summary>
    private static bool IsGuarded(IKeyProvider provider, SecretRequest? request) => request?.Kind switch
    {
        null or SecretKind.KeyFile or SecretKind.RecoveryKey => false,
        SecretKind.Pin => !provider.LimitsWrongPins,
        _ => true,
    };

    /// <summary>The lockout error, naming the slots that still open the vault.</summary>
    private LockedOutException WithWayOut(LockedOutException locked, VaultDocument document)
    {
        var open = new List<string>();
        foreach (var slot in document.Slots)
        {
            var provider = _providers.TryCreate(slot.Kind);
            if (provider is not null && !IsGuarded(provider, provider.UnlockSecret(slot.Parameters, new SlotBinding(document.VaultId, slot.Id, slot.Kind))))
            {
                open.Add($"slot {slot.Id} ({slot.Kind})");
            }
        }

        var wayOut = open.Count == 0
            ? "password and PIN slots are refused until then, and this vault has no recovery-key, key-file or TPM slot"
            : $"password and PIN slots are refused until then; {string.Join(", ", open)} still opens the vault: the recovery key file (recovery_key_file), a key file (key_file) or the terminal prompt";
        return new LockedOutException(locked.LockedUntil, $"{locked.Reason}; {wayOut}");
    }

    private static UnlockFailedException Standing(UnlockFailureReason reason, string message, Exception? inner, int? triesLeft) =>
        new(reason, triesLeft is { } left ? $"{message} ({Tries(left)} left before password and PIN unlocking locks)" : message, triesLeft, null, inner);

    private static string Tries(int count) => count == 1 ? "1 try" : string.Create(CultureInfo.InvariantCulture, $"{count} tries");

    private static UnlockFailedException Counted(UnlockFailedException error, LockoutCount? count, bool wasLocked)
    {
        if (count is null)
        {
            return error;
        }

        string suffix;
        if (wasLocked && count.LockedUntil is { } stillUntil)
        {
            suffix = string.Create(CultureInfo.InvariantCulture, $"; password and PIN unlocking stays locked out until {stillUntil.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }
        else if (count.LockedUntil is { } until)
        {
            suffix = string.Create(CultureInfo.InvariantCulture, $"; that was the last try: password and PIN unlocking is locked out until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} (a recovery key, key file or TPM slot still opens the vault)");
        }
        else
        {
            suffix = $"; {Tries(count.TriesLeft)} left before password and PIN unlocking locks";
        }

        return new UnlockFailedException(error.Reason, error.Message + suffix, count.TriesLeft, count.LockedUntil, error);
    }

    private static (ISecretSource? Quiet, ISecretSource? Prompting) Split(ISecretSource secrets) => secrets switch
    {
        SecretSourceChain chain => (chain.WithoutPrompts(), chain.IsInteractive ? chain.PromptsOnly() : null),
        _ when secrets.IsInteractive => (null, secrets),
        _ => (secrets, null),
    };

    private SecureBuffer Attempt(
        VaultDocument document, SlotEntry slot, IKeyProvider provider, SlotBinding binding, SecureBuffer secret, bool guarded, Func<bool> wasLocked, bool resets)
    {
        // Secrets a person could guess (passwords, PINs) are counted before the KDF runs, so neither a crash nor
        // parallel guesses escape the count. High-entropy slots (key files, recovery keys, devices with their own
        // counter) are counted afterwards: their failures still count, but never hold them back.
        var attempt = guarded ? _lockout.BeginAttempt() : null;
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
                // The password or PIN proved itself: failures and the doubling reset (in the MCP server only this
                // attempt is taken back, so an agent's unlocks never reset anyone else's count).
                if (resets)
                {
                    attempt.Succeeded();
                }
                else
                {
                    attempt.Cancelled();
                }
            }
            else if (resets && wasLocked())
            {
                _lockout.Lift();
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
        catch (UnlockFailedException error) when (error.Reason == UnlockFailureReason.WrongSecret)
        {
            var lockedBefore = wasLocked();
            throw Counted(error, attempt is null ? RecordAfterwards() : Failed(attempt), lockedBefore);
        }
        catch (Exception) when (attempt is not null)
        {
            // Anything else after the secret was handed to the unlocker counts as a failure (errs towards denying).
            _ = Failed(attempt);
            throw;
        }
        catch (Exception) when (attempt is null)
        {
            _ = RecordAfterwards();
            throw;
        }
        finally
        {
            vaultKey?.Dispose();
        }
    }

    /// <summary>Settles a guessable slot's attempt as a failure; a damaged record cannot count it, and says so on the next unlock.</summary>
    private static LockoutCount? Failed(LockoutAttempt attempt)
    {
        try
        {
            return attempt.Failed();
        }
        catch (LockedOutException exception)
        {
            return exception.LockedUntil is { } until ? new LockoutCount(0, until) : null;
        }
    }

    /// <summary>Counts a high-entropy slot's failure; a damaged record cannot count it, and says so on the next unlock.</summary>
    private LockoutCount? RecordAfterwards()
    {
        try
        {
            return _lockout.RecordFailure();
        }
        catch (LockedOutException exception)
        {
            return exception.LockedUntil is { } until ? new LockoutCount(0, until) : null;
        }
    }
}
