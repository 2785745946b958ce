using HsmWallet.Core.Approvals;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// The approval pages a long-running host (the MCP server) keeps open for stored requests while they wait, so a person
/// can answer after the agent's call returned approval_pending or approval_delayed. Bounded: a page goes once its request
/// is decided, used or expired, and at most <see cref="MaximumPages"/> are open (the oldest closes first).
/// </summary>
public sealed class ApprovalPages : IAsyncDisposable
{
    /// <summary>The most pages open at once (the store's bound on waiting requests keeps the real number lower).</summary>
    public const int MaximumPages = 32;

    private readonly ApprovalStore _store;
    private readonly ApprovalRules _rules;
    private readonly Core.UseCases.FreezeUseCases? _freeze;
    private readonly List<ApprovalPage> _pages = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Binds the request store, Core's rules (approvers and verifier) the pages answer under, and the freeze their button uses (none: no button).</summary>
    public ApprovalPages(ApprovalStore store, ApprovalRules rules, Core.UseCases.FreezeUseCases? freeze = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        _store = store;
        _rules = rules;
        _freeze = freeze;
    }

    /// <summary>The address of a page for stored request <paramref name="approvalId"/> (an open one when there is, else a new one).</summary>
    public async Task<Uri> ServeAsync(string approvalId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CloseFinishedAsync().ConfigureAwait(false);
            if (_pages.FirstOrDefault(page => string.Equals(page.ApprovalId, approvalId, StringComparison.Ordinal)) is { } open)
            {
                return open.Url;
            }

            if (_pages.Count >= MaximumPages)
            {
                await _pages[0].DisposeAsync().ConfigureAwait(false);
                _pages.RemoveAt(0);
            }

            var page = new ApprovalPage(_store, approvalId, _rules, _freeze);
            await page.StartAsync(cancellationToken).ConfigureAwait(false);
            _pages.Add(page);
            return page.Url;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var page in _pages)
            {
                await page.DisposeAsync().ConfigureAwait(false);
            }

            _pages.Clear();
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }

    private async Task CloseFinishedAsync()
    {
        for (var i = _pages.Count - 1; i >= 0; i--)
        {
            bool finished;
            try
            {
                finished = _store.Get(_pages[i].ApprovalId).State != ApprovalState.Pending;
            }
            catch (ApprovalException)
            {
                finished = true; // Expired or used: the record is gone.
            }

            if (finished)
            {
                await _pages[i].DisposeAsync().ConfigureAwait(false);
                _pages.RemoveAt(i);
            }
        }
    }
}
