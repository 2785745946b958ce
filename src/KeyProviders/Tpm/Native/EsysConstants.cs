namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>The ESAPI handle constants and TPM 2.0 numbers (Part 2 of the specification) the sealer uses.</summary>
internal static class EsysConstants
{
    /// <summary>ESYS_TR_NONE: no handle or no session in this position.</summary>
    public const uint None = 0xFFF;

    /// <summary>ESYS_TR_PASSWORD: the password (plain) session.</summary>
    public const uint PasswordSession = 0x0FF;

    /// <summary>ESYS_TR_RH_OWNER: the owner (storage) hierarchy.</summary>
    public const uint OwnerHierarchy = 0x101;

    /// <summary>TPM2_ALG_SHA256.</summary>
    public const ushort AlgorithmSha256 = 0x000B;

    /// <summary>TPM2_ALG_AES.</summary>
    public const ushort AlgorithmAes = 0x0006;

    /// <summary>TPM2_ALG_CFB.</summary>
    public const ushort AlgorithmCfb = 0x0043;

    /// <summary>TPM2_ALG_NULL.</summary>
    public const ushort AlgorithmNull = 0x0010;

    /// <summary>TPM2_ALG_ECC.</summary>
    public const ushort AlgorithmEcc = 0x0023;

    /// <summary>TPM2_ALG_KEYEDHASH (the type of a sealed data object).</summary>
    public const ushort AlgorithmKeyedHash = 0x0008;

    /// <summary>TPM2_ECC_NIST_P256.</summary>
    public const ushort CurveNistP256 = 0x0003;

    /// <summary>TPM2_SE_HMAC.</summary>
    public const byte SessionHmac = 0x00;

    /// <summary>TPM2_SE_POLICY.</summary>
    public const byte SessionPolicy = 0x01;

    /// <summary>TPM2_SE_TRIAL.</summary>
    public const byte SessionTrial = 0x03;

    /// <summary>TPMA_SESSION_CONTINUESESSION.</summary>
    public const byte SessionContinue = 0x01;

    /// <summary>TPMA_SESSION_DECRYPT: the first command parameter travels encrypted.</summary>
    public const byte SessionDecrypt = 0x20;

    /// <summary>TPMA_SESSION_ENCRYPT: the first response parameter travels encrypted.</summary>
    public const byte SessionEncrypt = 0x40;

    /// <summary>TPM2_CAP_HANDLES.</summary>
    public const uint CapabilityHandles = 0x00000001;

    /// <summary>TPM2_CAP_TPM_PROPERTIES.</summary>
    public const uint CapabilityTpmProperties = 0x00000006;

    /// <summary>The first persistent handle (TPM2_PERSISTENT_FIRST).</summary>
    public const uint PersistentFirst = 0x81000000;

    /// <summary>TPM2_PT_MANUFACTURER.</summary>
    public const uint PropertyManufacturer = 0x105;

    /// <summary>TPM2_PT_FIRMWARE_VERSION_1.</summary>
    public const uint PropertyFirmwareVersion1 = 0x10B;

    /// <summary>TPM2_PT_FIRMWARE_VERSION_2.</summary>
    public const uint PropertyFirmwareVersion2 = 0x10C;

    /// <summary>TPM2_PT_PERMANENT (TPMA_PERMANENT bits).</summary>
    public const uint PropertyPermanent = 0x200;

    /// <summary>TPM2_PT_LOCKOUT_COUNTER.</summary>
    public const uint PropertyLockoutCounter = 0x20E;

    /// <summary>TPM2_PT_MAX_AUTH_FAIL.</summary>
    public const uint PropertyMaxAuthFail = 0x20F;

    /// <summary>TPM2_PT_LOCKOUT_INTERVAL.</summary>
    public const uint PropertyLockoutInterval = 0x210;

    /// <summary>TPM2_PT_LOCKOUT_RECOVERY.</summary>
    public const uint PropertyLockoutRecovery = 0x211;

    /// <summary>TPMA_PERMANENT_INLOCKOUT.</summary>
    public const uint PermanentInLockout = 0x00000200;
}
