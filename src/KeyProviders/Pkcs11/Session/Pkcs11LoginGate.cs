using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11.Session;

/// <summary>
/// Coordinates the one login state PKCS#11 keeps per application and token: the first operation logs in,
/// concurrent operations presenting the same PIN share that login, the last one out logs out. An operation
/// with a different PIN waits until the token is logged out and then logs in itself, so every PIN is checked
/// by the token and C_Logout never pulls the login from under a working session.
/// </summary>
internal sealed class Pkcs11LoginGate
{
    /// <summary>A per-process key: the gate compares PINs by keyed hash, never keeping the PIN itself.</summary>
    private static readonly byte[] PinTagKey = RandomNumberGenerator.GetBytes(32);

    private readonly object sync = new();
    private readonly byte[] activePinTag = new byte[32];
    private int holders;
    private int otherPinWaiters;

    /// <summary>How many operations currently rely on the login (for tests).</summary>
    internal int Holders
    {
        get
        {
            lock (sync)
            {
                return holders;
            }
        }
    }

    /// <summary>Makes the token logged in with this PIN for the caller; pair every successful call with <see cref="Exit"/>.</summary>
    public void Enter(ISession session, ReadOnlySpan<byte> pin)
    {
        Span<byte> tag = stackalloc byte[32];
        try
        {
            HMACSHA256.HashData(PinTagKey, pin, tag);
            lock (sync)
            {
                var waiting = false;
                try
                {
                    while (true)
                    {
                        if (holders == 0)
                        {
                            Login(session, pin);
                            tag.CopyTo(activePinTag);
                            holders = 1;
                            return;
                        }

                        // Joining is fair: while an operation with another PIN waits, newcomers wait too,
                        // so a steady stream of same-PIN operations cannot starve it.
                        if (otherPinWaiters == 0 && CryptographicOperations.FixedTimeEquals(tag, activePinTag))
                        {
                            holders++;
                            return;
                        }

                        if (!waiting && !CryptographicOperations.FixedTimeEquals(tag, activePinTag))
                        {
                            waiting = true;
                            otherPinWaiters++;
                        }

                        Monitor.Wait(sync);
                    }
                }
                finally
                {
                    if (waiting)
                    {
                        otherPinWaiters--;
                    }
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tag);
        }
    }

    /// <summary>Releases the caller's share of the login; the last holder logs the token out.</summary>
    public void Exit(ISession session)
    {
        lock (sync)
        {
            holders--;
            if (holders > 0)
            {
                return;
            }

            holders = 0;
            CryptographicOperations.ZeroMemory(activePinTag);
            try
            {
                session.Logout();
            }
            catch (Pkcs11Exception)
            {
                // Already logged out (session lost, token removed): the state we want.
            }

            Monitor.PulseAll(sync);
        }
    }

    private static void Login(ISession session, ReadOnlySpan<byte> pin)
    {
        // Pkcs11Interop takes byte[]: a pinned copy the collector cannot move, zeroed as soon as the call returns.
        var pinCopy = GC.AllocateArray<byte>(pin.Length, pinned: true);
        try
        {
            pin.CopyTo(pinCopy);
            try
            {
                session.Login(CKU.CKU_USER, pinCopy);
            }
            catch (Pkcs11Exception error) when (error.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // A login we do not own (left by an earlier failure): log out so the token checks this PIN.
                session.Logout();
                session.Login(CKU.CKU_USER, pinCopy);
            }
        }
        catch (Pkcs11Exception error)
        {
            throw new Pkcs11StepException(error, Pkcs11ErrorMapping.Step.Login);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
        }
    }
}
