using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Browser.Tests.Support;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;
using HsmWallet.Hosting.Approvals;

namespace HsmWallet.Browser.Tests;

/// <summary>
/// Passkey approvals end to end in chromium with a virtual authenticator: enrolment, approve and decline on the page,
/// and Core refusing an assertion moved to other data, replayed, or missing.
/// </summary>
public sealed class PasskeyApprovalTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private readonly Chromium _browser = fixture.Browser;

    [Fact]
    public async Task Enrolling_an_approver_through_the_page_stores_its_credential_and_public_key_in_the_vault()
    {
        using var home = new PasskeyHome();

        var enrolled = await home.EnrolAsync(_browser, "alice");

        var stored = Assert.Single(home.Approvers.List());
        Assert.Equal("alice", stored.Name);
        Assert.Equal(enrolled.CredentialId, stored.CredentialId);
        Assert.NotEmpty(stored.PublicKey);
        Assert.Equal(enrolled.PublicKey, stored.PublicKey);
    }

    [Fact]
    public async Task Approving_a_wallet_delete_with_the_passkey_deletes_the_wallet_and_the_grant_names_the_approver()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var approver = new RecordingApprover(new PasskeyApprover(home.Approvers, home.Verifier, ClickOn("approve")));

        var deleted = await home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, approver, PasskeyHome.Context("wallet_delete"));

        Assert.Equal(wallet.Address, deleted.Address);
        Assert.Empty(home.App.Wallets.List());
        var grant = Assert.Single(approver.Grants);
        Assert.Equal(ApprovalGrant.ViaPasskey, grant.Via);
        Assert.Equal("alice", grant.Approver);
        Assert.NotNull(grant.Assertion);
        Assert.StartsWith("Approved by alice", approver.PageStatus, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Declining_on_the_page_refuses_and_deletes_nothing()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var approver = new RecordingApprover(new PasskeyApprover(home.Approvers, home.Verifier, ClickOn("decline")));

        var refusal = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, approver, PasskeyHome.Context("wallet_delete")));

        Assert.Equal("approval_declined", refusal.Code);
        Assert.Contains("declined", refusal.Message, StringComparison.Ordinal);
        Assert.Single(home.App.Wallets.List());
    }

    [Fact]
    public async Task An_assertion_made_for_one_wallet_delete_is_refused_by_core_for_another()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        var first = home.App.Wallets.Create("first", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        home.App.Wallets.Create("second", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var passkey = new PasskeyApprover(home.Approvers, home.Verifier, ClickOn("approve"));
        var firstBinding = ApprovalBinding.For("wallet_delete", new JsonObject { ["wallet"] = first.Address });

        // A front end that gets the person's passkey over the first wallet and presents it for the second.
        var moved = new MovingApprover(passkey, firstBinding);
        var refusal = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Wallets.DeleteAsync("second", nameOnly: true, approvalId: null, moved, PasskeyHome.Context("wallet_delete")));

        Assert.Equal("approval_declined", refusal.Code);
        Assert.Contains("does not verify", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(2, home.App.Wallets.List().Count);
    }

    [Fact]
    public async Task A_replayed_assertion_is_refused_by_core_and_by_the_page()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        Uri? pageUrl = null;
        string? assertionJson = null;
        var approver = new RecordingApprover(new PasskeyApprover(home.Approvers, home.Verifier, async (url, token) =>
        {
            pageUrl = url;
            await ClickOn("approve")(url, token);
        }));
        await home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, approver, PasskeyHome.Context("wallet_delete"));
        var grant = Assert.Single(approver.Grants);
        assertionJson = grant.Assertion!.ResponseJson;

        // Core: the same grant presented again (its counter is spent).
        var check = new PasskeyGrantCheck(home.Approvers, home.Verifier);
        var again = Assert.Throws<ApprovalException>(() => check.Check(grant, grant.Binding));
        Assert.Equal("approval_declined", again.Code);
        Assert.Contains("does not verify", again.Message, StringComparison.Ordinal);
        Assert.Contains("SignCount", again.Message, StringComparison.Ordinal);

        // The page: it is gone once answered; a second answer to the same page is never accepted.
        using var client = new HttpClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, pageUrl + "/approve") { Content = new StringContent(assertionJson, Encoding.UTF8, "application/json") };
        post.Headers.Add("Origin", pageUrl!.GetLeftPart(UriPartial.Authority));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(post));
    }

    [Fact]
    public async Task When_the_caller_gives_up_the_wait_ends_the_page_closes_and_nothing_is_deleted()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        using var gaveUp = new CancellationTokenSource();
        Uri? shown = null;
        var approver = new PasskeyApprover(home.Approvers, home.Verifier, async (url, _) =>
        {
            shown = url;
            await _browser.NavigateAsync(url);
            await gaveUp.CancelAsync();
        });
        var context = PasskeyHome.Context("wallet_delete") with { Cancellation = gaveUp.Token };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, approver, context));

        Assert.Single(home.App.Wallets.List());
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(shown));
    }

    [Fact]
    public async Task A_passkey_grant_without_an_assertion_or_with_one_that_does_not_verify_is_refused()
    {
        using var home = new PasskeyHome();
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));

        var bare = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, new ForgingApprover(null), PasskeyHome.Context("wallet_delete")));
        var unchecked_ = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, new ForgingApprover(new PasskeyAssertion("{}", PasskeyChallenge.NewNonce())), PasskeyHome.Context("wallet_delete")));

        Assert.Equal("approval_declined", bare.Code);
        Assert.Contains("must carry its assertion", bare.Message, StringComparison.Ordinal);
        Assert.Equal("approval_declined", unchecked_.Code);
        Assert.Single(home.App.Wallets.List());
    }

    [Fact]
    public async Task No_other_local_process_can_take_the_pages_localhost_port_on_either_loopback_address()
    {
        using var home = new PasskeyHome();
        var request = new ApprovalRequest("wallet_delete", new string('b', 64), new ApprovalSummary("Delete wallet y", ["Wallet: y"], [], []), null);
        var page = new ApprovalPage(request, [], home.Verifier);
        await using (page)
        {
            await page.StartAsync(CancellationToken.None);

            // "localhost" may resolve to ::1 first: a listener there would receive the one-time path and serve its own page.
            foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
            {
                var squatter = new System.Net.Sockets.TcpListener(address, page.Url.Port);
                var taken = Assert.Throws<System.Net.Sockets.SocketException>(squatter.Start);
                Assert.Equal(System.Net.Sockets.SocketError.AddressAlreadyInUse, taken.SocketErrorCode);
            }

            using var client = new HttpClient();
            var overIpv6 = new UriBuilder(page.Url) { Host = "[::1]" }.Uri;
            Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, overIpv6, "localhost:" + page.Url.Port, null)).StatusCode);
        }
    }

    [Fact]
    public async Task The_page_refuses_another_host_another_origin_a_cross_site_form_and_answers_404_elsewhere()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        var request = new ApprovalRequest("wallet_delete", new string('a', 64), new ApprovalSummary("Delete wallet x", ["Wallet: x"], [], []), null);
        var page = new ApprovalPage(request, home.Approvers.List(), home.Verifier);
        await using (page)
        {
            await page.StartAsync(CancellationToken.None);
            using var client = new HttpClient();
            var origin = page.Url.GetLeftPart(UriPartial.Authority);

            Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, page.Url, null, null)).StatusCode);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await Send(client, HttpMethod.Get, page.Url, "rebound.example:" + page.Url.Port, null)).StatusCode);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await Send(client, HttpMethod.Get, page.Url, "127.0.0.1:" + page.Url.Port, null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, "http://rebound.example")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, origin, "text/plain")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Send(client, HttpMethod.Get, new Uri(origin + "/"), null, null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Send(client, HttpMethod.Get, new Uri(origin + "/" + new string('0', 32)), null, null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Send(client, HttpMethod.Get, new Uri(page.Url + "/approve"), null, null)).StatusCode);
            Assert.False(page.Decision.IsCompleted);

            // The page's own origin may decline, once.
            Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, origin)).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, origin)).StatusCode);
            await Assert.ThrowsAsync<ApprovalException>(() => page.Decision);
        }
    }

    [Fact]
    public async Task The_page_shows_the_summary_in_words_with_untrusted_text_marked_and_escaped()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        var request = new ApprovalRequest(
            "tx_sign",
            new string('b', 64),
            new ApprovalSummary("Sign Payment on testnet with wallet hot", ["Amount: 5 XRP (5000000 drops)"], ["new destination"], ["memo: MemoData=\"<b>approve now</b>\""]),
            null);
        var page = new ApprovalPage(request, home.Approvers.List(), home.Verifier);
        await using (page)
        {
            await page.StartAsync(CancellationToken.None);
            await _browser.NavigateAsync(page.Url);

            var text = (await _browser.EvaluateAsync("document.body.innerText"))!.GetValue<string>();
            var bold = (await _browser.EvaluateAsync("document.querySelectorAll('.untrusted b').length"))!.GetValue<int>();

            Assert.Contains("Sign Payment on testnet with wallet hot", text, StringComparison.Ordinal);
            Assert.Contains("Amount: 5 XRP (5000000 drops)", text, StringComparison.Ordinal);
            Assert.Contains("WARNING: new destination", text, StringComparison.Ordinal);
            Assert.Contains("Untrusted data (from the agent or the ledger; not instructions):", text, StringComparison.Ordinal);
            Assert.Contains("<b>approve now</b>", text, StringComparison.Ordinal);
            Assert.Equal(0, bold);
        }
    }

    private Func<Uri, CancellationToken, Task> ClickOn(string button) => async (url, _) =>
    {
        await _browser.NavigateAsync(url);
        LastStatus = await _browser.ClickAndReadStatusAsync(button);
    };

    private static string? LastStatus { get; set; }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, Uri url, string? host, string? origin, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, contentType);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Passes requests to a real approver and keeps the grants it returned.</summary>
    private sealed class RecordingApprover(IApprover inner) : IApprover
    {
        public List<ApprovalGrant> Grants { get; } = [];

        public string? PageStatus => LastStatus;

        public async Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
        {
            var grant = await inner.ApproveAsync(request, context);
            Grants.Add(grant);
            return grant;
        }
    }

    /// <summary>A faulty or hostile front end: asks the person about another binding and relabels the grant as this one.</summary>
    private sealed class MovingApprover(IApprover inner, string shownBinding) : IApprover
    {
        public async Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
        {
            var grant = await inner.ApproveAsync(request with { Binding = shownBinding }, context);
            return grant with { Binding = request.Binding };
        }
    }

    /// <summary>A front end that claims a passkey approval it never got.</summary>
    private sealed class ForgingApprover(PasskeyAssertion? assertion) : IApprover
    {
        public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context) =>
            Task.FromResult(new ApprovalGrant(request.Binding, ApprovalGrant.ViaPasskey) { Approver = "alice", Assertion = assertion });
    }
}
