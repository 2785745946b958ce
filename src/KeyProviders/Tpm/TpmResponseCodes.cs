using System.Globalization;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// Turns TSS2_RC values into <see cref="TpmFailure"/> kinds and operator messages. The TPM's own
/// codes (layer 0) carry a handle or session number in bits 8 to 11; those are masked off.
/// </summary>
internal static class TpmResponseCodes
{
    /// <summary>TPM_RC_INITIALIZE: Startup was already run (harmless).</summary>
    public const uint Initialize = 0x100;

    private const uint LayerMask = 0xFF0000;
    private const uint TctiLayer = 10u << 16;
    private const uint EsapiLayer = 7u << 16;
    private const uint FormatOne = 0x080;
    private const uint AuthFail = 0x08E;
    private const uint BadAuth = 0x0A2;
    private const uint PolicyFail = 0x09D;
    private const uint PcrChanged = 0x128;
    private const uint Lockout = 0x921;
    private const uint ObjectMemory = 0x902;
    private const uint SessionMemory = 0x903;
    private const uint Memory = 0x904;
    private const uint NoConnection = 8;
    private const uint TryAgain = 9;
    private const uint InputOutputError = 10;
    private const uint MalformedResponse = 17;
    private const uint InsufficientResponse = 19;

    /// <summary>Classifies a response code.</summary>
    public static TpmFailure Classify(uint responseCode)
    {
        var layer = responseCode & LayerMask;
        if (layer == TctiLayer)
        {
            return TpmFailure.NoDevice;
        }

        if (layer == EsapiLayer)
        {
            var baseCode = responseCode & 0xFFFF;
            return baseCode is NoConnection or TryAgain or InputOutputError or MalformedResponse or InsufficientResponse
                ? TpmFailure.NoDevice
                : TpmFailure.Other;
        }

        if (layer != 0)
        {
            return TpmFailure.Other;
        }

        if ((responseCode & FormatOne) != 0)
        {
            return (responseCode & 0x0BF) switch
            {
                AuthFail or BadAuth => TpmFailure.PinIncorrect,
                PolicyFail => TpmFailure.PcrMismatch,
                _ => TpmFailure.Other,
            };
        }

        return (responseCode & 0xFFF) switch
        {
            Lockout => TpmFailure.DictionaryLockout,
            ObjectMemory or SessionMemory or Memory => TpmFailure.OutOfObjectMemory,
            PcrChanged => TpmFailure.PcrMismatch,
            _ => TpmFailure.Other,
        };
    }

    /// <summary>Builds the exception for a failed call, with a message an operator can act on.</summary>
    public static TpmUnlockException ToException(uint responseCode, string operation, TpmLockoutState? lockout)
    {
        var failure = Classify(responseCode);
        var code = Hex(responseCode);
        switch (failure)
        {
            case TpmFailure.PinIncorrect:
                var tries = lockout is { } counters
                    ? string.Create(CultureInfo.InvariantCulture, $" ({counters.FailedAttempts} of {counters.MaxFailedAttempts} tries before TPM lockout used)")
                    : string.Empty;
                return new TpmUnlockException(
                    failure,
                    $"TPM PIN incorrect: the TPM refused the PIN{tries}; this counts toward HsmWallet's lockout and the TPM's dictionary-attack counter ({code})",
                    responseCode);
            case TpmFailure.DictionaryLockout:
                TimeSpan? retryAfter = lockout is { LockoutIntervalSeconds: > 0 } state
                    ? TimeSpan.FromSeconds(state.LockoutIntervalSeconds)
                    : null;
                var ends = retryAfter is { } after
                    ? string.Create(CultureInfo.InvariantCulture, $"it allows one more try within {(long)after.TotalSeconds} s (one failure is forgotten every {(long)after.TotalSeconds} s)")
                    : "it ends when the TPM's lockout interval has passed";
                return new TpmUnlockException(
                    failure,
                    $"TPM dictionary-attack lockout: too many wrong PINs, the TPM refuses every PIN, right or wrong; {ends}, or the owner can clear it now with `tpm2_dictionarylockout --clear-lockout` ({code})",
                    responseCode,
                    retryAfter);
            case TpmFailure.PcrMismatch:
                return new TpmUnlockException(
                    failure,
                    $"TPM PCR mismatch: the boot state (PCR values) changed since enrolment; unlock with another slot and re-enrol the TPM slot ({code})",
                    responseCode);
            case TpmFailure.NoDevice:
                return new TpmUnlockException(
                    failure,
                    $"TPM not reachable during {operation}: check the TCTI (device:/dev/tpmrm0, $HSMWALLET_TPM_TCTI) and that the TPM or simulator is running ({code})",
                    responseCode);
            case TpmFailure.OutOfObjectMemory:
                return new TpmUnlockException(
                    failure,
                    $"TPM out of object memory during {operation}: another program holds its transient slots; use the kernel resource manager (/dev/tpmrm0) or flush them with `tpm2_flushcontext -t` ({code})",
                    responseCode);
            default:
                return new TpmUnlockException(failure, $"TPM {operation} failed ({code})", responseCode);
        }
    }

    /// <summary>Formats a response code as operators and tpm2_rc_decode expect it.</summary>
    public static string Hex(uint responseCode) => string.Create(CultureInfo.InvariantCulture, $"0x{responseCode:X}");
}
