namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// One counted unlock attempt: it stays a failure unless <see cref="Succeeded"/> or <see cref="Cancelled"/>
/// is called, so any path that forgets (or crashes) errs towards denying.
/// </summary>
public sealed class LockoutAttempt
{
    private readonly LockoutGuard _guard;
    private readonly string _id;
    private readonly long? _lockSetTo;
    private readonly long? _previousUntil;
    private bool _settled;

    internal LockoutAttempt(LockoutGuard guard, string id, long? lockSetTo, long? previousUntil, LockoutCount standing)
    {
        Standing = standing;
        _guard = guard;
        _id = id;
        _lockSetTo = lockSetTo;
        _previousUntil = previousUntil;
    }

    /// <summary>Where the count stands if this attempt stays a failure: tries left, and the lock it started.</summary>
    public LockoutCount Standing { get; }

    /// <summary>The secret opened the slot: failures and the doubling reset.</summary>
    public void Succeeded()
    {
        if (!_settled)
        {
            _settled = true;
            _guard.Succeed();
        }
    }

    /// <summary>No secret was tested (device missing, malformed input): the attempt is taken back.</summary>
    public void Cancelled()
    {
        if (!_settled)
        {
            _settled = true;
            _guard.Cancel(_id, _lockSetTo, _previousUntil);
        }
    }
}
