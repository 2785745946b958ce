using System.Globalization;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Signing;

/// <summary>
/// Signs for wallets whose key lives on a token (<see cref="WalletInfo.Token"/>): the PIN is read from the
/// operation's secret sources for each signature and counted by the vault's lockout like an unlock PIN (a wrong
/// one counts; a locked-out home asks for no PIN at all); the token signs; the raw signature is put in the ledger's
/// form (secp256k1: low S, DER) and verified against the wallet's recorded public key before it is used, so a
/// wrong key, a wrong curve or a faulty device returns nothing.
/// </summary>
public sealed class TokenWalletSigner : IWalletSigner
{
    private readonly ITokenKeys _tokens;
    private readonly LockoutGuard _lockout;

    /// <summary>Binds the device adapter and the home's lockout.</summary>
    public TokenWalletSigner(ITokenKeys tokens, LockoutGuard lockout)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(lockout);
        _tokens = tokens;
        _lockout = lockout;
    }

    /// <summary>The device adapter (creation and the capability probe use it too).</summary>
    public ITokenKeys Tokens => _tokens;

    /// <inheritdoc />
    public bool Signs(WalletInfo wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return wallet.Token is { } token && string.Equals(token.Kind, _tokens.Kind, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public T WithSigner<T>(WalletInfo wallet, UnlockedVault vault, UnlockOptions unlock, Func<IXrplSigner, T> use)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(unlock);
        ArgumentNullException.ThrowIfNull(use);
        if (!Signs(wallet))
        {
            throw new InvalidInputException("wallet", "its key is not on a token this host can reach");
        }

        return use(new Signer(this, wallet, unlock));
    }

    /// <summary>
    /// Runs <paramref name="operation"/> with the token's PIN under the lockout: refused before the PIN is read while
    /// locked out; counted before the token sees it; a refused PIN stays counted, anything that tested no PIN is taken
    /// back; a success resets the count only where <paramref name="unlock"/> may (the operator, never the server).
    /// </summary>
    public T WithPin<T>(TokenKeyReference token, UnlockOptions unlock, Func<ReadOnlySpan<byte>, T> operation)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(unlock);
        ArgumentNullException.ThrowIfNull(operation);
        _ = _lockout.ThrowIfLockedOut();
        using var pin = unlock.Secrets.TryRead(_tokens.PinRequest(token))
            ?? throw new UnlockFailedException(UnlockFailureReason.NoSecret, $"no PIN was given for the {token.TokenDescription}: give a PIN file (pin_file), a systemd credential, or type it at a terminal prompt");
        var attempt = _lockout.BeginAttempt();
        try
        {
            var result = operation(pin.ReadOnlySpan);
            if (unlock.ResetsLockout)
            {
                attempt.Succeeded();
            }
            else
            {
                attempt.Cancelled();
            }

            return result;
        }
        catch (UnlockFailedException error) when (error.Reason == UnlockFailureReason.WrongSecret)
        {
            var standing = attempt.Failed();
            var suffix = standing.LockedUntil is { } until
                ? string.Create(CultureInfo.InvariantCulture, $"; that was the last try: password and PIN use is locked out until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}")
                : standing.TriesLeft == 1 ? "; 1 try left before password and PIN use locks" : string.Create(CultureInfo.InvariantCulture, $"; {standing.TriesLeft} tries left before password and PIN use locks");
            throw new UnlockFailedException(error.Reason, error.Message + suffix, standing.TriesLeft, standing.LockedUntil, error);
        }
        catch
        {
            attempt.Cancelled();
            throw;
        }
    }

    /// <summary>One wallet's token key as an <see cref="IXrplSigner"/>: each Sign is one login, sign, logout.</summary>
    private sealed class Signer(TokenWalletSigner owner, WalletInfo wallet, UnlockOptions unlock) : IXrplSigner
    {
        private readonly byte[] _publicKey = Convert.FromHexString(wallet.PublicKey);

        public KeyType KeyType { get; } = KeyTypes.Parse(wallet.KeyType, "key_type");

        public ReadOnlySpan<byte> PublicKey => _publicKey;

        public AccountId AccountId => WalletDirectory.AccountOf(wallet);

        public byte[] Sign(ReadOnlySpan<byte> message)
        {
            var token = wallet.Token!;
            var data = message.ToArray();
            var raw = owner.WithPin(token, unlock, pin => owner._tokens.Sign(token, KeyType, data, pin));
            byte[] signature;
            try
            {
                signature = KeyType == KeyType.Secp256k1 ? XrplSignature.EncodeSecp256k1(raw) : raw;
            }
            catch (InvalidInputException error)
            {
                throw new KeyProviderUnavailableException($"the {token.TokenDescription} returned a signature that is not a {wallet.KeyType} signature; nothing was signed", error);
            }

            // Fail closed: only a signature the ledger would accept from the recorded key leaves this method.
            if (!XrplSignature.Verify(data, signature, _publicKey))
            {
                throw new KeyProviderUnavailableException($"the {token.TokenDescription} returned a signature that does not verify against wallet {wallet.Address}'s public key; nothing was signed");
            }

            return signature;
        }
    }
}
