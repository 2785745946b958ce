using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using HsmWallet.KeyProviders.Tpm.Native;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// One open ESAPI context over one TCTI, with the few TPM steps the sealer composes. Each step
/// checks its response code and throws <see cref="TpmUnlockException"/>; cleanup steps never throw.
/// Opened per operation and disposed at its end, so a TPM without a resource manager is free again.
/// </summary>
internal sealed unsafe class TpmConnection : IDisposable
{
    /// <summary>The SRK handle of the TCG provisioning guidance.</summary>
    public const uint SrkHandle = 0x81000001;

    private readonly TctiContextHandle tcti;
    private readonly EsysContextHandle esys;

    private TpmConnection(TctiContextHandle tcti, EsysContextHandle esys)
    {
        this.tcti = tcti;
        this.esys = esys;
    }

    /// <summary>
    /// Accepts only the TCTIs HsmWallet supports, by name: the TCTI loader would otherwise load any library a
    /// path in the string names, and the string comes from vault.json, which is read before it is authenticated.
    /// </summary>
    internal static void RequireKnownTcti(string tctiConfiguration)
    {
        ArgumentNullException.ThrowIfNull(tctiConfiguration);
        var name = tctiConfiguration.Split(':', 2)[0];
        if (name is not ("device" or "tabrmd" or "mssim" or "swtpm"))
        {
            throw new TpmUnlockException(
                TpmFailure.NoDevice,
                $"TCTI \"{name}\" is not supported: use device:/dev/tpmrm0, tabrmd, mssim:... or swtpm:...",
                null);
        }
    }

    /// <summary>Connects to the TPM named by a TCTI configuration string.</summary>
    public static TpmConnection Open(string tctiConfiguration)
    {
        RequireKnownTcti(tctiConfiguration);
        TssLogging.EnsureQuietUnlessConfigured();
        TctiContextHandle tcti;
        uint responseCode;
        try
        {
            responseCode = TctiLoaderNative.Initialize(tctiConfiguration, out tcti);
        }
        catch (DllNotFoundException exception)
        {
            throw new TpmUnlockException(
                TpmFailure.NoDevice,
                "TPM software stack not installed: install the Debian packages libtss2-esys-3.0.2-0 and libtss2-tctildr0 (or libtss2-dev)",
                null,
                null,
                exception);
        }

        if (responseCode != 0)
        {
            tcti.Dispose();
            throw new TpmUnlockException(
                TpmFailure.NoDevice,
                $"TPM not reachable: no TPM answered on TCTI \"{tctiConfiguration}\" ({TpmResponseCodes.Hex(responseCode)}); check the device or simulator, or set --tcti / ${TpmTcti.EnvironmentVariable}",
                responseCode);
        }

        responseCode = EsysNative.Initialize(out var esys, tcti, null);
        if (responseCode != 0)
        {
            esys.Dispose();
            tcti.Dispose();
            throw TpmResponseCodes.ToException(responseCode, "connection setup", lockout: null);
        }

        return new TpmConnection(tcti, esys);
    }

    /// <summary>The ESAPI context, for the calls this class does not wrap.</summary>
    public EsysContextHandle Context => esys;

    /// <summary>Throws the translated error when a call failed; a wrong PIN or lockout also reads the DA counters.</summary>
    public void Check(uint responseCode, string operation)
    {
        if (responseCode == 0)
        {
            return;
        }

        var failure = TpmResponseCodes.Classify(responseCode);
        var lockout = failure is TpmFailure.PinIncorrect or TpmFailure.DictionaryLockout ? TryReadLockout() : null;
        throw TpmResponseCodes.ToException(responseCode, operation, lockout);
    }

    /// <summary>
    /// The storage parent: the persistent SRK when asked for and present, else the primary created
    /// from the standard template (the same key, since both come from the owner seed and template).
    /// </summary>
    public uint AcquireStorageParent(bool preferPersistent, out bool persistent)
    {
        if (preferPersistent)
        {
            uint handle;
            if (EsysNative.FromTpmPublic(esys, SrkHandle, EsysConstants.None, EsysConstants.None, EsysConstants.None, &handle) == 0)
            {
                persistent = true;
                return handle;
            }
        }

        persistent = false;
        return CreateStoragePrimary();
    }

    /// <summary>Creates the ECC P-256 storage primary in a transient slot.</summary>
    public uint CreateStoragePrimary()
    {
        var sensitive = default(Tpm2bSensitiveCreate);
        var template = TpmTemplates.ToNative(TpmTemplates.StoragePrimary());
        var outsideInfo = default(Tpm2bData);
        var creationPcr = default(TpmlPcrSelection);
        uint handle;
        Check(
            EsysNative.CreatePrimary(
                esys, EsysConstants.OwnerHierarchy, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None,
                &sensitive, &template, &outsideInfo, &creationPcr, &handle, null, null, null, null),
            "primary key creation");
        return handle;
    }

    /// <summary>Lets go of a parent: flushes a transient primary, only forgets a persistent one.</summary>
    public void ReleaseParent(uint handle, bool persistent)
    {
        if (persistent)
        {
            _ = EsysNative.Close(esys, &handle);
        }
        else
        {
            FlushQuietly(handle);
        }
    }

    /// <summary>
    /// Starts a session salted with the parent key (ECDH, so the session key never crosses the
    /// bus) with AES-128-CFB parameter encryption set by the caller's attributes.
    /// </summary>
    public uint StartSaltedSession(uint saltKey, byte sessionType, byte attributes)
    {
        var symmetric = new TpmtSymDef { Algorithm = EsysConstants.AlgorithmAes, KeyBits = 128, Mode = EsysConstants.AlgorithmCfb };
        uint session;
        Check(
            EsysNative.StartAuthSession(
                esys, saltKey, EsysConstants.None, EsysConstants.None, EsysConstants.None, EsysConstants.None,
                null, sessionType, &symmetric, EsysConstants.AlgorithmSha256, &session),
            "session start");
        var responseCode = EsysNative.SetSessionAttributes(esys, session, attributes, 0xFF);
        if (responseCode != 0)
        {
            FlushQuietly(session);
            Check(responseCode, "session setup");
        }

        return session;
    }

    /// <summary>Computes a policy digest in a trial session: PolicyPCR over the current values, then PolicyAuthValue if a PIN is used.</summary>
    public byte[] TrialPolicyDigest(IReadOnlyList<int> pcrIndices, bool withAuthValue)
    {
        var symmetric = new TpmtSymDef { Algorithm = EsysConstants.AlgorithmNull };
        uint session;
        Check(
            EsysNative.StartAuthSession(
                esys, EsysConstants.None, EsysConstants.None, EsysConstants.None, EsysConstants.None, EsysConstants.None,
                null, EsysConstants.SessionTrial, &symmetric, EsysConstants.AlgorithmSha256, &session),
            "trial session start");
        try
        {
            ApplyPolicy(session, pcrIndices, withAuthValue);
            Tpm2bDigest* digest = null;
            Check(
                EsysNative.PolicyGetDigest(esys, session, EsysConstants.None, EsysConstants.None, EsysConstants.None, &digest),
                "policy digest");
            try
            {
                return new ReadOnlySpan<byte>(digest->Buffer, digest->Size).ToArray();
            }
            finally
            {
                EsysNative.Free(digest);
            }
        }
        finally
        {
            FlushQuietly(session);
        }
    }

    /// <summary>Runs the policy commands of a sealed object in a (trial or real) policy session.</summary>
    public void ApplyPolicy(uint session, IReadOnlyList<int> pcrIndices, bool withAuthValue)
    {
        var emptyDigest = default(Tpm2bDigest);
        var selection = TpmPcrSelection.ToNative(pcrIndices);
        Check(
            EsysNative.PolicyPcr(esys, session, EsysConstants.None, EsysConstants.None, EsysConstants.None, &emptyDigest, &selection),
            "PCR policy");
        if (withAuthValue)
        {
            Check(
                EsysNative.PolicyAuthValue(esys, session, EsysConstants.None, EsysConstants.None, EsysConstants.None),
                "PIN policy");
        }
    }

    /// <summary>Frees a transient object or session; used in finally blocks, so it never throws.</summary>
    public void FlushQuietly(uint handle)
    {
        if (handle != EsysConstants.None && !esys.IsClosed)
        {
            _ = EsysNative.FlushContext(esys, handle);
        }
    }

    /// <summary>Reads TPM properties in [first, first + count).</summary>
    public Dictionary<uint, uint> ReadProperties(uint first, uint count)
    {
        var properties = new Dictionary<uint, uint>();
        TpmsCapabilityData* data = null;
        byte moreData;
        Check(
            EsysNative.GetCapability(
                esys, EsysConstants.None, EsysConstants.None, EsysConstants.None,
                EsysConstants.CapabilityTpmProperties, first, count, &moreData, &data),
            "property read");
        try
        {
            var list = data->TpmProperties;
            for (var i = 0; i < (int)Math.Min(list.Count, 127u); i++)
            {
                properties[list.Properties[i].Property] = list.Properties[i].Value;
            }
        }
        finally
        {
            EsysNative.Free(data);
        }

        return properties;
    }

    /// <summary>True when a persistent object sits at the handle.</summary>
    public bool PersistentHandleExists(uint persistentHandle)
    {
        TpmsCapabilityData* data = null;
        byte moreData;
        Check(
            EsysNative.GetCapability(
                esys, EsysConstants.None, EsysConstants.None, EsysConstants.None,
                EsysConstants.CapabilityHandles, persistentHandle, 1, &moreData, &data),
            "handle read");
        try
        {
            var list = data->Handles;
            return list.Count > 0 && list.Handles[0] == persistentHandle;
        }
        finally
        {
            EsysNative.Free(data);
        }
    }

    /// <summary>The DA counters now.</summary>
    public TpmLockoutState ReadLockout()
    {
        var properties = ReadProperties(EsysConstants.PropertyPermanent, EsysConstants.PropertyLockoutRecovery - EsysConstants.PropertyPermanent + 1);
        uint Get(uint property) => properties.TryGetValue(property, out var value) ? value : 0;
        return new TpmLockoutState(
            (Get(EsysConstants.PropertyPermanent) & EsysConstants.PermanentInLockout) != 0,
            Get(EsysConstants.PropertyLockoutCounter),
            Get(EsysConstants.PropertyMaxAuthFail),
            Get(EsysConstants.PropertyLockoutInterval),
            Get(EsysConstants.PropertyLockoutRecovery));
    }

    /// <summary>The DA counters if they can be read, for error messages; never throws.</summary>
    public TpmLockoutState? TryReadLockout()
    {
        try
        {
            return ReadLockout();
        }
        catch (TpmUnlockException)
        {
            return null;
        }
    }

    /// <summary>Manufacturer (four ASCII letters) and firmware version.</summary>
    public (string Manufacturer, string Firmware) ReadIdentity()
    {
        var properties = ReadProperties(EsysConstants.PropertyManufacturer, EsysConstants.PropertyFirmwareVersion2 - EsysConstants.PropertyManufacturer + 1);
        properties.TryGetValue(EsysConstants.PropertyManufacturer, out var manufacturer);
        properties.TryGetValue(EsysConstants.PropertyFirmwareVersion1, out var version1);
        properties.TryGetValue(EsysConstants.PropertyFirmwareVersion2, out var version2);
        Span<byte> letters = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(letters, manufacturer);
        var name = Encoding.ASCII.GetString(letters).TrimEnd('\0', ' ');
        var firmware = string.Create(
            CultureInfo.InvariantCulture,
            $"{version1 >> 16}.{version1 & 0xFFFF}.{version2 >> 16}.{version2 & 0xFFFF}");
        return (name, firmware);
    }

    /// <summary>Closes the ESAPI context, then the transport.</summary>
    public void Dispose()
    {
        esys.Dispose();
        tcti.Dispose();
    }
}
