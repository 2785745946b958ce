namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// One counted unlock attempt, pending while its secret is under test: settle it with <see cref="Failed"/>,
/// <see cref="Succeeded"/> or <see cref="Cancelled"/>. One left unsettled (a forgotten path, a crash) becomes a failure
/// once it has been pending for the policy's limit, so any path that forgets errs towards denying.
/// </summary>
public sealed class LockoutAttempt
{
    private readonly LockoutGuard _guard;
    private readonly string _id;
    private bool _settled;

    internal LockoutAttempt(LockoutGuard guard, string id)
    {
        _guard = guard;
        _id = id;
    }

    /// <summary>The secret was wrong: the attempt becomes a failure; returns the tries left and the lock it started, if any.</summary>
    public LockoutCount Failed()
    {
        if (_settled)
        {
            throw new InvalidOperationException("the attempt was already settled");
        }

        _settled = true;
        return _guard.Failed(_id);
    }

    /// <summary>The secret opened the slot: failures and the doubling reset.</summary>
    public void Succeeded()
    {
        if (!_settled)
        {
            _settled = true;
            _guard.Succeed(_id);
        }
    }

    /// <summary>No secret was tested (device missing, malformed input), or the success may not reset the count: the attempt is taken back.</summary>
    public void Cancelled()
    {
        if (!_settled)
        {
            _settled = true;
            _guard.Cancel(_id);
        }
    }
}
