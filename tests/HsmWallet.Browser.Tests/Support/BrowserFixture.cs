namespace HsmWallet.Browser.Tests.Support;

/// <summary>One chromium for a test class (starting one is slow on a small machine); each test uses its own vault.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private Chromium? _browser;

    /// <summary>The running browser.</summary>
    public Chromium Browser => _browser ?? throw new InvalidOperationException("the browser is not started");

    /// <inheritdoc />
    public async Task InitializeAsync() => _browser = await Chromium.LaunchAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }
}
