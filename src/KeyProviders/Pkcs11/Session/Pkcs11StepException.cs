using Net.Pkcs11Interop.Common;

namespace HsmWallet.KeyProviders.Pkcs11.Session;

/// <summary>
/// Carries a module error out of an operation together with the step it happened in, so the caller can tell
/// a bad tag (decrypt) from a broken module (elsewhere) and decide whether a retry is safe.
/// </summary>
internal sealed class Pkcs11StepException : Exception
{
    /// <summary>Wraps the module's error raised during a step.</summary>
    public Pkcs11StepException(Pkcs11Exception error, Pkcs11ErrorMapping.Step step)
        : base(error.Message, error)
    {
        Error = error;
        Step = step;
    }

    /// <summary>The module's error.</summary>
    public Pkcs11Exception Error { get; }

    /// <summary>The step the error happened in.</summary>
    public Pkcs11ErrorMapping.Step Step { get; }

    /// <summary>Runs one step, tagging any module error with it.</summary>
    public static T Run<T>(Pkcs11ErrorMapping.Step step, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Pkcs11Exception error)
        {
            throw new Pkcs11StepException(error, step);
        }
    }

    /// <summary>Runs one step without a result, tagging any module error with it.</summary>
    public static void Run(Pkcs11ErrorMapping.Step step, Action action)
    {
        try
        {
            action();
        }
        catch (Pkcs11Exception error)
        {
            throw new Pkcs11StepException(error, step);
        }
    }
}
