namespace HsmWallet.KeyProviders.Tpm;

/// <summary>What `hsmwallet tpm status` reports: which TPM answers, its lockout state, whether the SRK is provisioned.</summary>
/// <param name="Tcti">The TCTI configuration used (not secret).</param>
/// <param name="Manufacturer">TPM2_PT_MANUFACTURER as its four ASCII letters (e.g. "IBM" for swtpm, "INTC", "IFX").</param>
/// <param name="FirmwareVersion">TPM2_PT_FIRMWARE_VERSION_1 and _2 as four dotted 16-bit parts.</param>
/// <param name="Lockout">The dictionary-attack counters.</param>
/// <param name="PersistentSrkPresent">True when a key sits at the SRK handle 0x81000001.</param>
public sealed record TpmStatus(
    string Tcti,
    string Manufacturer,
    string FirmwareVersion,
    TpmLockoutState Lockout,
    bool PersistentSrkPresent);
