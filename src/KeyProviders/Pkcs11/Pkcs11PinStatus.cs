namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// The user-PIN flags a token reports (CKF_USER_PIN_COUNT_LOW, _FINAL_TRY, _LOCKED), so operators are warned
/// before a real token locks; SoftHSM2 sets COUNT_LOW but never locks.
/// </summary>
/// <param name="CountLow">At least one wrong PIN was entered since the last success.</param>
/// <param name="FinalTry">The next wrong PIN locks the token.</param>
/// <param name="Locked">The user PIN is locked; only the security officer can reset it.</param>
public readonly record struct Pkcs11PinStatus(bool CountLow, bool FinalTry, bool Locked)
{
    /// <summary>Describes the flags in words for messages; empty when none is set.</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (Locked)
        {
            parts.Add("PIN locked");
        }

        if (FinalTry)
        {
            parts.Add("final PIN try");
        }

        if (CountLow)
        {
            parts.Add("PIN count low");
        }

        return string.Join(", ", parts);
    }
}
