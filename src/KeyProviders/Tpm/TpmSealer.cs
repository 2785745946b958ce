using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Tpm.Native;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// The TPM 2.0 engine: seals a random secret under the storage key (PIN as auth value, optional PCR
/// policy) and gives back the vault key only when TPM, PIN and boot state all agree. Every TPM access
/// for one TCTI is serialized; every transient object and session is flushed, on error paths too.
/// </summary>
public sealed class TpmSealer
{
    private const int SaltLength = 32;

    private readonly ITpmPinHasher pinHasher;

    /// <summary>Creates the engine with the reference libargon2 for PIN hardening.</summary>
    public TpmSealer()
        : this(new LibArgon2PinHasher())
    {
    }

    /// <summary>Creates the engine with another Argon2id implementation.</summary>
    public TpmSealer(ITpmPinHasher pinHasher)
    {
        ArgumentNullException.ThrowIfNull(pinHasher);
        this.pinHasher = pinHasher;
    }

    /// <summary>
    /// Enrols a vault key: seals a fresh random secret in the TPM and returns the non-secret slot
    /// parameters. An empty PIN means no PIN; an empty PCR list means no PCR policy.
    /// </summary>
    public unsafe TpmSlotParameters Seal(
        string tcti, ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> pin, IEnumerable<int> pcrIndices, TpmPinKdfCost? pinCost = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tcti);
        if (vaultKey.Length != TpmPinKeyMixing.SecretLength)
        {
            throw new InvalidInputException("vault_key", "must be 32 bytes");
        }

        var pcrs = TpmPcrSelection.Normalize(pcrIndices);
        var withPin = !pin.IsEmpty;
        var cost = withPin ? pinCost ?? TpmPinKdfCost.Default : null;
        cost?.Validate();
        var salt = withPin ? RandomNumberGenerator.GetBytes(SaltLength) : [];

        var sensitive = default(Tpm2bSensitiveCreate);
        Span<byte> secret = stackalloc byte[TpmPinKeyMixing.SecretLength];
        Span<byte> mixingHalf = stackalloc byte[TpmPinKeyMixing.HalfLength];
        Span<byte> mask = stackalloc byte[TpmPinKeyMixing.SecretLength];
        try
        {
            RandomNumberGenerator.Fill(secret);
            var authValue = new Span<byte>(sensitive.Sensitive.UserAuth.Buffer, TpmPinKeyMixing.HalfLength);
            if (withPin)
            {
                TpmPinKeyMixing.DerivePinHalves(pinHasher, pin, salt, cost!, authValue, mixingHalf);
                sensitive.Sensitive.UserAuth.Size = TpmPinKeyMixing.HalfLength;
            }

            secret.CopyTo(new Span<byte>(sensitive.Sensitive.Data.Buffer, TpmPinKeyMixing.SecretLength));
            sensitive.Sensitive.Data.Size = TpmPinKeyMixing.SecretLength;

            TpmPinKeyMixing.Mask(secret, withPin ? mixingHalf : [], mask);
            var maskedKey = new byte[TpmPinKeyMixing.SecretLength];
            TpmPinKeyMixing.Xor(vaultKey, mask, maskedKey);

            byte[] publicBlob;
            byte[] privateBlob;
            bool persistent;
            lock (TpmAccessGate.For(tcti))
            {
                using var connection = TpmConnection.Open(tcti);
                var parent = connection.AcquireStorageParent(preferPersistent: true, out persistent);
                try
                {
                    var policy = pcrs.Length > 0 ? connection.TrialPolicyDigest(pcrs, withPin) : [];
                    var template = TpmTemplates.ToNative(TpmTemplates.SealedData(policy));
                    var outsideInfo = default(Tpm2bData);
                    var creationPcr = default(TpmlPcrSelection);
                    var session = connection.StartSaltedSession(
                        parent, EsysConstants.SessionHmac, EsysConstants.SessionDecrypt | EsysConstants.SessionContinue);
                    Tpm2bPrivate* outPrivate = null;
                    Tpm2bPublic* outPublic = null;
                    try
                    {
                        connection.Check(
                            EsysNative.Create(
                                connection.Context, parent, session, EsysConstants.None, EsysConstants.None,
                                &sensitive, &template, &outsideInfo, &creationPcr, &outPrivate, &outPublic, null, null, null),
                            "sealing");
                        publicBlob = TpmBlobs.MarshalPublic(outPublic);
                        privateBlob = TpmBlobs.MarshalPrivate(outPrivate);
                    }
                    finally
                    {
                        EsysNative.Free(outPrivate);
                        EsysNative.Free(outPublic);
                        connection.FlushQuietly(session);
                    }
                }
                finally
                {
                    connection.ReleaseParent(parent, persistent);
                }
            }

            return new TpmSlotParameters
            {
                Tcti = tcti,
                PcrIndices = pcrs,
                PublicBlob = publicBlob,
                PrivateBlob = privateBlob,
                MaskedKey = maskedKey,
                PinKdfCost = cost,
                PinSalt = salt,
                PersistentSrk = persistent,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(&sensitive, sizeof(Tpm2bSensitiveCreate)));
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(mixingHalf);
            CryptographicOperations.ZeroMemory(mask);
        }
    }

    /// <summary>
    /// Unlocks: unseals the secret over a salted, encrypted session with the PIN (and PCR policy)
    /// and writes the 32-byte vault key into the caller's buffer. Nothing is written on failure.
    /// </summary>
    public void Unseal(TpmSlotParameters parameters, ReadOnlySpan<byte> pin, Span<byte> destination) =>
        Unseal(parameters, parameters?.Tcti!, pin, destination, TpmUnsealTransport.SaltedEncryptedSession);

    /// <summary>Unlocks as <see cref="Unseal(TpmSlotParameters, ReadOnlySpan{byte}, Span{byte})"/>, on another TCTI than the enrolment one.</summary>
    public void Unseal(TpmSlotParameters parameters, string tcti, ReadOnlySpan<byte> pin, Span<byte> destination) =>
        Unseal(parameters, tcti, pin, destination, TpmUnsealTransport.SaltedEncryptedSession);

    /// <summary>The unseal with a chosen transport (the password session exists only to measure the session's cost).</summary>
    internal unsafe void Unseal(
        TpmSlotParameters parameters, string tcti, ReadOnlySpan<byte> pin, Span<byte> destination, TpmUnsealTransport transport)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrWhiteSpace(tcti);
        if (destination.Length != TpmPinKeyMixing.SecretLength)
        {
            throw new InvalidInputException("destination", "must be 32 bytes");
        }

        if (parameters.PinProtected && pin.IsEmpty)
        {
            throw new InvalidInputException("pin", "this TPM slot requires a PIN");
        }

        if (!parameters.PinProtected && !pin.IsEmpty)
        {
            throw new InvalidInputException("pin", "this TPM slot has no PIN");
        }

        if (transport == TpmUnsealTransport.PasswordSession && parameters.PcrIndices.Count > 0)
        {
            throw new InvalidInputException("transport", "a PCR-bound slot needs a policy session");
        }

        var inPublic = TpmBlobs.UnmarshalPublic(parameters.PublicBlob.Span);
        var inPrivate = TpmBlobs.UnmarshalPrivate(parameters.PrivateBlob.Span);
        var authValue = default(Tpm2bDigest);
        Span<byte> mixingHalf = stackalloc byte[TpmPinKeyMixing.HalfLength];
        Span<byte> secret = stackalloc byte[TpmPinKeyMixing.SecretLength];
        Span<byte> mask = stackalloc byte[TpmPinKeyMixing.SecretLength];
        try
        {
            if (parameters.PinProtected)
            {
                TpmPinKeyMixing.DerivePinHalves(
                    pinHasher, pin, parameters.PinSalt.Span, parameters.PinKdfCost!, new Span<byte>(authValue.Buffer, TpmPinKeyMixing.HalfLength), mixingHalf);
                authValue.Size = TpmPinKeyMixing.HalfLength;
            }

            lock (TpmAccessGate.For(tcti))
            {
                using var connection = TpmConnection.Open(tcti);
                var parent = connection.AcquireStorageParent(parameters.PersistentSrk, out var persistent);
                try
                {
                    uint item;
                    connection.Check(
                        EsysNative.Load(
                            connection.Context, parent, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None,
                            &inPrivate, &inPublic, &item),
                        "loading the sealed object");
                    try
                    {
                        connection.Check(EsysNative.SetAuth(connection.Context, item, &authValue), "setting the PIN");
                        UnsealItem(connection, parameters, parent, item, transport, secret);
                    }
                    finally
                    {
                        // ESAPI keeps a copy of the auth value with the object's metadata: overwrite it before the flush frees it.
                        var cleared = default(Tpm2bDigest);
                        _ = EsysNative.SetAuth(connection.Context, item, &cleared);
                        connection.FlushQuietly(item);
                    }
                }
                finally
                {
                    connection.ReleaseParent(parent, persistent);
                }
            }

            TpmPinKeyMixing.Mask(secret, parameters.PinProtected ? mixingHalf : [], mask);
            TpmPinKeyMixing.Xor(parameters.MaskedKey.Span, mask, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(&authValue, sizeof(Tpm2bDigest)));
            CryptographicOperations.ZeroMemory(mixingHalf);
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(mask);
        }
    }

    /// <summary>Reports which TPM answers on a TCTI, its lockout counters and whether the SRK is provisioned.</summary>
    public static TpmStatus Status(string tcti)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tcti);
        lock (TpmAccessGate.For(tcti))
        {
            using var connection = TpmConnection.Open(tcti);
            var (manufacturer, firmware) = connection.ReadIdentity();
            return new TpmStatus(
                tcti, manufacturer, firmware, connection.ReadLockout(), connection.PersistentHandleExists(TpmConnection.SrkHandle));
        }
    }

    /// <summary>
    /// Persists the storage primary at 0x81000001 (EvictControl, empty owner authorization) so unlocks
    /// skip the key derivation; returns false when a key is already there.
    /// </summary>
    public static unsafe bool ProvisionSrk(string tcti)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tcti);
        lock (TpmAccessGate.For(tcti))
        {
            using var connection = TpmConnection.Open(tcti);
            if (connection.PersistentHandleExists(TpmConnection.SrkHandle))
            {
                return false;
            }

            var primary = connection.CreateStoragePrimary();
            try
            {
                uint persistent;
                connection.Check(
                    EsysNative.EvictControl(
                        connection.Context, EsysConstants.OwnerHierarchy, primary, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None,
                        TpmConnection.SrkHandle, &persistent),
                    "SRK provisioning");
                _ = EsysNative.Close(connection.Context, &persistent);
                return true;
            }
            finally
            {
                connection.FlushQuietly(primary);
            }
        }
    }

    private static unsafe void UnsealItem(
        TpmConnection connection, TpmSlotParameters parameters, uint parent, uint item, TpmUnsealTransport transport, Span<byte> secret)
    {
        var session = EsysConstants.PasswordSession;
        var withPolicy = parameters.PcrIndices.Count > 0;
        if (transport == TpmUnsealTransport.SaltedEncryptedSession)
        {
            session = connection.StartSaltedSession(
                parent,
                withPolicy ? EsysConstants.SessionPolicy : EsysConstants.SessionHmac,
                EsysConstants.SessionEncrypt | EsysConstants.SessionContinue);
        }

        Tpm2bSensitiveData* data = null;
        try
        {
            if (withPolicy)
            {
                connection.ApplyPolicy(session, parameters.PcrIndices, parameters.PinProtected);
            }

            connection.Check(
                EsysNative.Unseal(connection.Context, item, session, EsysConstants.None, EsysConstants.None, &data),
                "unsealing");
            if (data->Size != TpmPinKeyMixing.SecretLength)
            {
                throw new TpmUnlockException(TpmFailure.Other, "TPM unsealing returned data of an unexpected size; the slot's blobs are not HsmWallet's");
            }

            new ReadOnlySpan<byte>(data->Buffer, TpmPinKeyMixing.SecretLength).CopyTo(secret);
        }
        finally
        {
            if (data != null)
            {
                CryptographicOperations.ZeroMemory(new Span<byte>(data, sizeof(Tpm2bSensitiveData)));
                EsysNative.Free(data);
            }

            if (session != EsysConstants.PasswordSession)
            {
                connection.FlushQuietly(session);
            }
        }
    }
}
