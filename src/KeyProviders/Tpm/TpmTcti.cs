namespace HsmWallet.KeyProviders.Tpm;

/// <summary>Chooses the TCTI configuration string: the option, else $HSMWALLET_TPM_TCTI, else the kernel resource manager.</summary>
public static class TpmTcti
{
    /// <summary>The kernel resource manager, which flushes whatever a crashed process left in the TPM.</summary>
    public const string Default = "device:/dev/tpmrm0";

    /// <summary>The environment variable an operator sets to point every command at another TPM.</summary>
    public const string EnvironmentVariable = "HSMWALLET_TPM_TCTI";

    /// <summary>Returns the configured TCTI, falling back to the environment and then the default.</summary>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? Default : fromEnvironment;
    }
}
