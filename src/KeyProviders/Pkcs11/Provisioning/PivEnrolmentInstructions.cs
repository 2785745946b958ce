namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// PIV tokens (YubiKey) generate keys with the vendor tool, not through PKCS#11: this prints the commands for
/// the key-management slot 9d and the slot configuration ykcs11 then exposes.
/// </summary>
public static class PivEnrolmentInstructions
{
    /// <summary>The ykcs11 CKA_ID of PIV slot 9d (key management).</summary>
    public const string Slot9dKeyId = "03";

    /// <summary>The ykcs11 label of the private key in PIV slot 9d.</summary>
    public const string Slot9dPrivateKeyLabel = "Private key for Key Management";

    /// <summary>Gives the yubico-piv-tool commands that prepare slot 9d for the mode (ecies: ECCP256; rsa-oaep: RSA2048).</summary>
    public static string ForSlot9d(Pkcs11WrapMode mode)
    {
        var algorithm = mode switch
        {
            Pkcs11WrapMode.Ecies => "ECCP256",
            Pkcs11WrapMode.RsaOaep => "RSA2048",
            _ => throw new HsmWallet.Core.InvalidInputException("mode", "PIV tokens hold no AES keys: use ecies or rsa-oaep"),
        };
        return string.Join('\n',
            "# 1. Generate the key in slot 9d (key management). PIN asked once per login; touch cached 15 s.",
            "#    HsmWallet logs in for every unwrap, so --pin-policy=once already means 'PIN on every unwrap'.",
            $"yubico-piv-tool -a generate -s 9d -A {algorithm} --pin-policy=once --touch-policy=cached -o hsmwallet-9d.pem",
            "# 2. A self-signed certificate makes ykcs11 expose the public key object (asks for the PIN).",
            "yubico-piv-tool -a verify-pin -a selfsign-certificate -s 9d -S '/CN=HsmWallet vault key/' -i hsmwallet-9d.pem -o hsmwallet-9d-cert.pem",
            "yubico-piv-tool -a import-certificate -s 9d -i hsmwallet-9d-cert.pem",
            "# 3. Enrol (pcscd must run):",
            $"hsmwallet slot add --unlocker pkcs11 --module /usr/lib/x86_64-linux-gnu/libykcs11.so --token-serial SERIAL --key-label '{Slot9dPrivateKeyLabel}' --mode {mode.ToName()} --pin-file PIN_FILE",
            "#    (or give the key id: ykcs11 numbers slot 9d as CKA_ID 03). Find SERIAL with `hsmwallet token list --module ...`.",
            "# Use --touch-policy=always to require a touch on every unwrap (then unattended MCP signing stops).");
    }
}
