using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11.Session;

/// <summary>
/// One present token inside a loaded module: its slot, a pool of open (not logged-in) read-only sessions, one
/// per concurrent operation because a session shared by two threads crashes SoftHSM, and the login gate.
/// Lives until the module is re-initialised.
/// </summary>
internal sealed class Pkcs11TokenContext
{
    private readonly ConcurrentBag<ISession> idleSessions = [];

    /// <summary>Wraps a slot found for a configuration.</summary>
    public Pkcs11TokenContext(ISlot slot)
    {
        Slot = slot;
    }

    /// <summary>The slot holding the token (its id is never stored: it changes across re-initialisation).</summary>
    public ISlot Slot { get; }

    /// <summary>The token's login coordination.</summary>
    public Pkcs11LoginGate LoginGate { get; } = new();

    /// <summary>Runs an operation on a pooled session without logging in (public objects only).</summary>
    public T WithSession<T>(Func<ISession, T> operation)
    {
        var session = Rent();
        var healthy = false;
        try
        {
            var result = operation(session);
            healthy = true;
            return result;
        }
        catch (Pkcs11StepException error) when (!Pkcs11ErrorMapping.IsRecoverable(error.Error.RV, error.Step))
        {
            healthy = true;
            throw;
        }
        finally
        {
            Return(session, healthy);
        }
    }

    /// <summary>Runs an operation on a pooled session logged in with the PIN: log in, operate, log out.</summary>
    public T WithLogin<T>(ReadOnlySpan<byte> pin, Func<ISession, T> operation)
    {
        var session = Rent();
        var healthy = false;
        try
        {
            LoginGate.Enter(session, pin);
            try
            {
                var result = operation(session);
                healthy = true;
                return result;
            }
            finally
            {
                LoginGate.Exit(session);
            }
        }
        catch (Pkcs11StepException error) when (!Pkcs11ErrorMapping.IsRecoverable(error.Error.RV, error.Step))
        {
            healthy = true;
            throw;
        }
        finally
        {
            Return(session, healthy);
        }
    }

    /// <summary>Runs an administrative operation (key generation) on a fresh read-write session logged in with the PIN.</summary>
    public T WithReadWriteLogin<T>(ReadOnlySpan<byte> pin, Func<ISession, T> operation)
    {
        using var session = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Session, () => Slot.OpenSession(SessionType.ReadWrite));
        LoginGate.Enter(session, pin);
        try
        {
            return operation(session);
        }
        finally
        {
            LoginGate.Exit(session);
        }
    }

    /// <summary>Reads the token's user-PIN flags; all false when the token cannot answer.</summary>
    public Pkcs11PinStatus ReadPinStatus()
    {
        try
        {
            var flags = Slot.GetTokenInfo().TokenFlags;
            return new Pkcs11PinStatus(flags.UserPinCountLow, flags.UserPinFinalTry, flags.UserPinLocked);
        }
        catch (Pkcs11Exception)
        {
            return default;
        }
    }

    /// <summary>Closes every idle session (the module is about to be finalised).</summary>
    public void CloseIdleSessions()
    {
        while (idleSessions.TryTake(out var session))
        {
            try
            {
                session.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // The module is going away; C_Finalize closes what is left.
            }
        }
    }

    private ISession Rent()
    {
        if (idleSessions.TryTake(out var session))
        {
            return session;
        }

        return Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Session, () => Slot.OpenSession(SessionType.ReadOnly));
    }

    private void Return(ISession session, bool healthy)
    {
        if (healthy)
        {
            idleSessions.Add(session);
            return;
        }

        try
        {
            session.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // A broken session: the coming re-initialisation cleans up.
        }
    }
}
