namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// One token as `hsmwallet token list` shows it: what an operator needs to pick it by label or serial and to
/// see whether its PIN is in trouble. Slot ids are left out on purpose: they are not stable.
/// </summary>
/// <param name="Label">CK_TOKEN_INFO.label, trimmed.</param>
/// <param name="SerialNumber">CK_TOKEN_INFO.serialNumber, trimmed.</param>
/// <param name="Manufacturer">CK_TOKEN_INFO.manufacturerID, trimmed.</param>
/// <param name="Model">CK_TOKEN_INFO.model, trimmed.</param>
/// <param name="Initialized">CKF_TOKEN_INITIALIZED: the token has been initialised (SoftHSM always offers one empty slot that has not).</param>
/// <param name="UserPinInitialized">CKF_USER_PIN_INITIALIZED.</param>
/// <param name="LoginRequired">CKF_LOGIN_REQUIRED.</param>
/// <param name="ProtectedAuthenticationPath">CKF_PROTECTED_AUTHENTICATION_PATH: the PIN is entered on a pad, not by software.</param>
/// <param name="PinStatus">The user-PIN flags.</param>
public sealed record Pkcs11TokenDescription(
    string Label,
    string SerialNumber,
    string Manufacturer,
    string Model,
    bool Initialized,
    bool UserPinInitialized,
    bool LoginRequired,
    bool ProtectedAuthenticationPath,
    Pkcs11PinStatus PinStatus);
