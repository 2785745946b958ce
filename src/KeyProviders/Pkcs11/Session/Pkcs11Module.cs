using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11.Session;

/// <summary>
/// One PKCS#11 module per process: loaded and C_Initialize'd once, shared by every slot that names it, and
/// re-initialised (C_Finalize, C_Initialize) when a return value says sessions or slots went stale: a token
/// removed and returned, a module restarted. Operations hold a read lock; re-initialisation takes the write lock,
/// so it never finalises under a working session.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "One instance per module for the life of the process; the lock lives as long.")]
internal sealed class Pkcs11Module
{
    private static readonly ConcurrentDictionary<string, Pkcs11Module> Modules = new(StringComparer.Ordinal);

    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly ConcurrentDictionary<string, Pkcs11TokenContext> tokens = new(StringComparer.Ordinal);
    private readonly object tokenSearch = new();
    private IPkcs11Library? library;
    private long generation;

    private Pkcs11Module(string path)
    {
        Path = path;
    }

    /// <summary>The module's file path.</summary>
    public string Path { get; }

    /// <summary>The factories used to build attributes and mechanisms for this module.</summary>
    public Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>How many times the module was (re)loaded, for tests of recovery.</summary>
    internal long Generation => Interlocked.Read(ref generation);

    /// <summary>True while the module is loaded and initialised.</summary>
    internal bool IsLoaded => Volatile.Read(ref library) is not null;

    /// <summary>Gets the process-wide instance for a module path.</summary>
    public static Pkcs11Module For(string path)
    {
        RequireTrustedModule(path);
        return Modules.GetOrAdd(path, static p => new Pkcs11Module(p));
    }

    /// <summary>
    /// Refuses a module path that anyone but its owner could have written: the path comes from vault.json,
    /// which is read before it is authenticated, and loading a library runs its code with the PIN at hand.
    /// </summary>
    internal static void RequireTrustedModule(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!System.IO.Path.IsPathFullyQualified(path))
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.ModuleNotFound, $"PKCS#11 module {path} must be an absolute path");
        }

        if (!File.Exists(path))
        {
            return; // loading reports the missing module with the usual message
        }

        var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        const UnixFileMode writableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        foreach (var candidate in new[] { target, System.IO.Path.GetDirectoryName(target)! })
        {
            if ((File.GetUnixFileMode(candidate) & writableByOthers) != 0)
            {
                throw new Pkcs11UnlockException(
                    Pkcs11Failure.ModuleNotFound,
                    $"PKCS#11 module {path} is refused: {candidate} is writable by other users (chmod go-w {candidate})");
            }
        }
    }

    /// <summary>
    /// Runs an operation against the configured token, retrying once after re-initialising the module when the
    /// token is missing or a return value says the sessions are stale. Every failure surfaces as
    /// <see cref="Pkcs11UnlockException"/>.
    /// </summary>
    public T Execute<T>(Pkcs11SlotConfiguration configuration, Func<Pkcs11TokenContext, T> operation)
    {
        for (var attempt = 0; ; attempt++)
        {
            var last = attempt > 0;
            var loadedGeneration = EnterLoaded();
            Pkcs11TokenContext? token = null;
            try
            {
                token = FindToken(configuration);
                if (token is not null)
                {
                    return operation(token);
                }

                if (last)
                {
                    throw new Pkcs11UnlockException(Pkcs11Failure.TokenNotPresent, $"PKCS#11 {configuration.TokenDescription} is not present");
                }
            }
            catch (Pkcs11StepException error) when (!last && Pkcs11ErrorMapping.IsRecoverable(error.Error.RV, error.Step))
            {
                // Stale sessions or slots: fall through to re-initialise and retry once.
            }
            catch (Pkcs11StepException error)
            {
                throw Pkcs11ErrorMapping.ToException(error.Error, error.Step, configuration, token?.ReadPinStatus() ?? default);
            }
            catch (Pkcs11Exception error) when (!last && Pkcs11ErrorMapping.IsRecoverable(error.RV, Pkcs11ErrorMapping.Step.Session))
            {
                // As above, raised outside a tagged step.
            }
            catch (Pkcs11Exception error)
            {
                throw Pkcs11ErrorMapping.ToException(error, Pkcs11ErrorMapping.Step.Session, configuration, token?.ReadPinStatus() ?? default);
            }
            finally
            {
                gate.ExitReadLock();
            }

            Reinitialize(loadedGeneration);
        }
    }

    /// <summary>Runs an operation on the loaded library itself (token listing, token initialisation), mapping errors.</summary>
    public T ExecuteOnLibrary<T>(Func<IPkcs11Library, T> operation)
    {
        EnterLoaded();
        try
        {
            return operation(library!);
        }
        catch (Pkcs11Exception error)
        {
            var name = error.RV.ToString();
            throw new Pkcs11UnlockException(Pkcs11ErrorMapping.Classify(error.RV, Pkcs11ErrorMapping.Step.Other), $"PKCS#11 module failed [{name}]", default, name, error);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Finalises and reloads the module now (after token initialisation, which changes slots).</summary>
    public void Reinitialize() => Reinitialize(Generation);

    private void Reinitialize(long observedGeneration)
    {
        gate.EnterWriteLock();
        try
        {
            if (Interlocked.Read(ref generation) != observedGeneration || library is null)
            {
                return; // Another thread already re-initialised after the failure we saw.
            }

            foreach (var token in tokens.Values)
            {
                token.CloseIdleSessions();
            }

            tokens.Clear();
            try
            {
                library.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // C_Finalize failing leaves nothing for us to keep; loading again starts clean.
            }

            library = null;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Takes the read lock with the library loaded; returns the generation observed.</summary>
    private long EnterLoaded()
    {
        while (true)
        {
            gate.EnterReadLock();
            if (library is not null)
            {
                return Interlocked.Read(ref generation);
            }

            gate.ExitReadLock();
            gate.EnterWriteLock();
            try
            {
                if (library is null)
                {
                    library = Load();
                    Interlocked.Increment(ref generation);
                }
            }
            finally
            {
                gate.ExitWriteLock();
            }
        }
    }

    private IPkcs11Library Load()
    {
        if (!File.Exists(Path))
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.ModuleNotFound, $"PKCS#11 module '{Path}' does not exist");
        }

        // In the native AOT binary, Pkcs11Interop's structures need marshalling data the compiler emits only when told.
        Pkcs11MarshallingData.Ensure();
        try
        {
            return Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Path, AppType.MultiThreaded);
        }
        catch (Pkcs11Exception error)
        {
            var name = error.RV.ToString();
            throw new Pkcs11UnlockException(Pkcs11Failure.DeviceError, $"PKCS#11 module '{Path}' failed to initialise [{name}]", default, name, error);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.ModuleNotFound, $"PKCS#11 module '{Path}' could not be loaded", default, null, error);
        }
    }

    /// <summary>Finds the token named by the configuration (label or serial), verifying a cached slot still holds it.</summary>
    private Pkcs11TokenContext? FindToken(Pkcs11SlotConfiguration configuration)
    {
        var key = configuration.TokenLabel is not null ? "label:" + configuration.TokenLabel : "serial:" + configuration.TokenSerial;
        if (tokens.TryGetValue(key, out var cached))
        {
            ITokenInfo? info = null;
            try
            {
                info = cached.Slot.GetTokenInfo();
            }
            catch (Pkcs11Exception)
            {
                // The token left its slot (removed, files gone): forget it and let the caller re-initialise.
            }

            if (info is not null && Matches(info, configuration))
            {
                return cached;
            }

            tokens.TryRemove(key, out _);
            return null;
        }

        lock (tokenSearch)
        {
            ISlot? found = null;
            var slots = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Session, () => library!.GetSlotList(SlotsType.WithTokenPresent));
            foreach (var slot in slots)
            {
                ITokenInfo info;
                try
                {
                    info = slot.GetTokenInfo();
                }
                catch (Pkcs11Exception)
                {
                    continue; // A slot whose token vanished while we looked.
                }

                if (!info.TokenFlags.TokenInitialized || !Matches(info, configuration))
                {
                    continue;
                }

                if (found is not null)
                {
                    throw new Pkcs11UnlockException(Pkcs11Failure.DeviceError, $"PKCS#11 module holds more than one {configuration.TokenDescription}: choose the token by serial");
                }

                found = slot;
            }

            if (found is null)
            {
                return null;
            }

            return tokens.GetOrAdd(key, _ => new Pkcs11TokenContext(found));
        }
    }

    private static bool Matches(ITokenInfo info, Pkcs11SlotConfiguration configuration) =>
        configuration.TokenLabel is not null
            ? string.Equals(info.Label?.Trim(), configuration.TokenLabel, StringComparison.Ordinal)
            : string.Equals(info.SerialNumber?.Trim(), configuration.TokenSerial, StringComparison.Ordinal);
}
