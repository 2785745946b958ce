using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Browser.Tests.Support;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;
using HsmWallet.Hosting.Approvals;
using HsmWallet.McpServer.Approval;
using HsmWallet.McpServer.Pipeline;

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
    public async Task Approving_a_payment_with_the_passkey_signs_it_and_the_audit_entry_holds_the_approver_and_the_assertion()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy(string.Empty));
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));

        var signed = await home.App.Transactions.SignAsync(
            new SigningRequest("hot", PasskeyHome.Payment(wallet.Address, "200000000"), Autofill: false), null, home.App.PasskeyApprover(ClickOn("approve")), PasskeyHome.Context("tx_sign"));

        Assert.NotEmpty(signed.Result.TxBlob);
        Assert.Equal("Approved by alice.", LastStatus);
        var entry = home.AuditLines()[^1]["operation"]!["parameters"]!;
        Assert.Equal("passkey", entry["approved_via"]!.GetValue<string>());
        Assert.Equal("alice", entry["approvers"]![0]!.GetValue<string>());
        var recorded = PasskeyAssertion.FromAudit(entry["assertions"]![0]!.AsObject());
        Assert.Equal("alice", recorded.Approver);
        Assert.Equal(64, entry["approval_binding"]!.GetValue<string>().Length);
        Assert.Equal("alice", home.Approvers.VerifyRecorded(home.Verifier, recorded, entry["approval_binding"]!.GetValue<string>()).Name);

        // The auditor's check: it holds now, and fails once someone edits the recorded signature.
        var before = home.App.VerifyRecordedApprovals();
        var log = Directory.EnumerateFiles(home.App.Home.AuditDirectory, "*.jsonl").Single();
        var signature = entry["assertions"]![0]!["assertion_signature"]!.GetValue<string>();
        var forged = signature[..^2] + (signature[^2..] == "00" ? "01" : "00");
        File.WriteAllText(log, File.ReadAllText(log).Replace(signature, forged, StringComparison.Ordinal));
        var after = home.App.VerifyRecordedApprovals();

        Assert.True(before.Ok);
        Assert.Equal(1, before.Checked);
        Assert.False(after.Ok);
        Assert.Contains("does not verify", after.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approving_a_wallet_delete_with_the_passkey_deletes_the_wallet_and_the_grant_names_the_approver()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var approver = new RecordingApprover(home.App.PasskeyApprover(ClickOn("approve")));

        var deleted = await home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, approver, PasskeyHome.Context("wallet_delete"));

        Assert.Equal(wallet.Address, deleted.Address);
        Assert.Empty(home.App.Wallets.List());
        var grant = Assert.Single(approver.Grants);
        Assert.Equal(ApprovalGrant.ViaPasskey, grant.Via);
        Assert.Equal("alice", Assert.Single(grant.Approvers));
        Assert.StartsWith("Approved by alice", approver.PageStatus, StringComparison.Ordinal);
        var entry = home.AuditLines().Last(line => line["operation"]!["parameters"]?["approved_via"] is not null)["operation"]!["parameters"]!;
        Assert.Equal("passkey", entry["approved_via"]!.GetValue<string>());
        Assert.Equal("alice", PasskeyAssertion.FromAudit(entry["assertions"]![0]!.AsObject()).Approver);
        Assert.True(home.App.VerifyRecordedApprovals().Ok);
    }

    [Fact]
    public async Task Declining_on_the_page_refuses_and_deletes_nothing()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var approver = home.App.PasskeyApprover(ClickOn("decline"));

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
        var firstBinding = ApprovalBinding.For("wallet_delete", new JsonObject { ["wallet"] = first.Address });

        // A front end that gets the person's passkey over the first wallet and presents it for the second.
        var moved = new MovingApprover(home.App.PasskeyApprover(ClickOn("approve")), firstBinding);
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
        var approver = new RecordingApprover(home.App.PasskeyApprover(async (url, token) =>
        {
            pageUrl = url;
            await ClickOn("approve")(url, token);
        }));
        await home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, approver, PasskeyHome.Context("wallet_delete"));
        var grant = Assert.Single(approver.Grants);

        // Core: the same grant presented again (its nonce is spent, whatever the authenticator's counter says).
        var request = new ApprovalRequest("wallet_delete", grant.Binding, new ApprovalSummary("Delete", [], [], []), null);
        var again = Assert.Throws<ApprovalException>(() => home.App.ApprovalRules.Accept(grant, request));
        Assert.Equal("approval_declined", again.Code);
        Assert.Contains("already used", again.Message, StringComparison.Ordinal);

        // The page: it is gone once answered; a second answer to the same page is never accepted.
        using var client = new HttpClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, pageUrl + "/approve") { Content = new StringContent(grant.Passkeys[0].Assertion.ResponseJson, Encoding.UTF8, "application/json") };
        post.Headers.Add("Origin", pageUrl!.GetLeftPart(UriPartial.Authority));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(post));
        Assert.Empty(home.App.Wallets.List());
    }

    [Fact]
    public async Task A_quorum_of_two_of_three_needs_two_distinct_approvers_and_the_page_shows_who_approved_so_far()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy("\"approval_quorum\":{\"approvers\":2,\"above\":{\"XRP\":\"1000\"}}"));
        var alice = await home.EnrolAsync(_browser, "alice");
        var bob = await home.EnrolAsync(_browser, "bob");
        await home.EnrolAsync(_browser, "carol");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var statuses = new List<string>();
        string? shownAfterFirst = null;
        var approver = home.App.PasskeyApprover(async (url, _) =>
        {
            await _browser.ActAsAsync(alice.CredentialId);
            await _browser.NavigateAsync(url);
            statuses.Add(await _browser.ClickAndReadStatusAsync("approve"));
            await _browser.NavigateAsync(url);
            shownAfterFirst = (await _browser.EvaluateAsync("document.getElementById('quorum').textContent"))!.GetValue<string>();
            await Screenshot("approval-page-quorum.png");
            statuses.Add(await _browser.ClickAndReadStatusAsync("approve")); // alice again: one person counts once
            await _browser.ActAsAsync(bob.CredentialId);
            await _browser.NavigateAsync(url);
            statuses.Add(await _browser.ClickAndReadStatusAsync("approve"));
        });

        var signed = await home.App.Transactions.SignAsync(
            new SigningRequest("hot", PasskeyHome.Payment(wallet.Address, "2000000000"), Autofill: false), null, approver, PasskeyHome.Context("tx_sign"));

        Assert.NotEmpty(signed.Result.TxBlob);
        Assert.StartsWith("Approved by alice (1 of 2)", statuses[0], StringComparison.Ordinal);
        Assert.Contains("approved so far: alice", shownAfterFirst, StringComparison.Ordinal);
        Assert.Contains("alice has already approved", statuses[1], StringComparison.Ordinal);
        Assert.Equal("Approved by bob.", statuses[2]);
        var approvers = home.AuditLines()[^1]["operation"]!["parameters"]!["approvers"]!.AsArray().Select(name => name!.GetValue<string>());
        Assert.Equal(["alice", "bob"], approvers);
    }

    [Fact]
    public async Task One_approver_is_not_a_quorum_of_two_and_nothing_is_signed()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy("\"approval_quorum\":{\"approvers\":2,\"above\":{\"XRP\":\"1000\"}}"));
        var alice = await home.EnrolAsync(_browser, "alice");
        await home.EnrolAsync(_browser, "bob");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        var approver = new RecordingApprover(home.App.PasskeyApprover(
            async (url, _) =>
            {
                await _browser.ActAsAsync(alice.CredentialId);
                await _browser.NavigateAsync(url);
                await _browser.ClickAndReadStatusAsync("approve");
            },
            TimeSpan.FromSeconds(3)));

        var refusal = await Assert.ThrowsAsync<ApprovalException>(() => home.App.Transactions.SignAsync(
            new SigningRequest("hot", PasskeyHome.Payment(wallet.Address, "2000000000"), Autofill: false), null, approver, PasskeyHome.Context("tx_sign")));

        Assert.Equal("approval_declined", refusal.Code);
        Assert.Empty(approver.Grants);
        Assert.DoesNotContain(home.AuditLines(), line => line["operation"]!["result"]!.GetValue<string>() == "success" && line["operation"]!["tool"]?.GetValue<string>() == "tx_sign");
    }

    [Fact]
    public async Task In_passkey_mode_the_agent_gets_the_page_address_then_signs_with_the_approval_id_once_an_approver_approved()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy(string.Empty));
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        await using var pages = new ApprovalPages(home.App.Approvals, home.App.ApprovalRules);
        var agent = new McpApprover(home.App.Approvals, home.App.ApprovalRules, pages, server: null);
        var payment = PasskeyHome.Payment(wallet.Address, "200000000");

        var pending = await Assert.ThrowsAsync<ToolRefusedException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), null, agent, PasskeyHome.Context("tx_sign")));
        Assert.Equal("approval_pending", pending.Code);
        var id = pending.Extra["approval_id"]!.GetValue<string>();
        var url = new Uri(pending.Extra["approval_url"]!.GetValue<string>());
        await ClickOn("approve")(url, CancellationToken.None);
        var signed = await home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), id, agent, PasskeyHome.Context("tx_sign"));

        Assert.Equal("Approved by alice.", LastStatus);
        Assert.NotEmpty(signed.Result.TxBlob);
        var reused = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), id, agent, PasskeyHome.Context("tx_sign")));
        Assert.Equal("invalid_input", reused.Code);
    }

    [Fact]
    public async Task An_operator_yes_or_a_form_does_not_count_in_passkey_mode()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy(string.Empty));
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        await using var pages = new ApprovalPages(home.App.Approvals, home.App.ApprovalRules);
        var agent = new McpApprover(home.App.Approvals, home.App.ApprovalRules, pages, server: null);
        var payment = PasskeyHome.Payment(wallet.Address, "200000000");
        var pending = await Assert.ThrowsAsync<ToolRefusedException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), null, agent, PasskeyHome.Context("tx_sign")));
        var id = pending.Extra["approval_id"]!.GetValue<string>();

        home.App.Approvals.Approve(id); // what `hsmwallet approve --yes` did before passkeys, or an agent with a shell
        var operatorYes = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), id, agent, PasskeyHome.Context("tx_sign")));
        var form = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), null, new FormApprover(), PasskeyHome.Context("tx_sign")));

        Assert.Equal("approval_declined", operatorYes.Code);
        Assert.Contains("passkey", operatorYes.Message, StringComparison.Ordinal);
        Assert.Equal("approval_declined", form.Code);
        Assert.Equal(ApprovalMode.Passkey, home.App.ApprovalRules.Mode());
    }

    [Fact]
    public async Task A_delayed_payment_is_vetoed_on_the_page_and_is_never_signed()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy("\"delay\":{\"minutes\":10,\"above\":{\"XRP\":\"5\"}}"));
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        await using var pages = new ApprovalPages(home.App.Approvals, home.App.ApprovalRules);
        var agent = new McpApprover(home.App.Approvals, home.App.ApprovalRules, pages, server: null);
        var payment = PasskeyHome.Payment(wallet.Address, "50000000");

        var delayed = await Assert.ThrowsAsync<ToolRefusedException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), null, agent, PasskeyHome.Context("tx_sign")));
        var id = delayed.Extra["approval_id"]!.GetValue<string>();
        var early = await Assert.ThrowsAsync<ToolRefusedException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), id, agent, PasskeyHome.Context("tx_sign")));
        await _browser.NavigateAsync(new Uri(delayed.Extra["veto_url"]!.GetValue<string>()));
        var delayText = (await _browser.EvaluateAsync("document.getElementById('delay').textContent"))!.GetValue<string>();
        await Screenshot("approval-page-delay.png");
        var vetoed = await _browser.ClickAndReadStatusAsync("decline");
        var after = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", payment.DeepClone().AsObject(), Autofill: false), id, agent, PasskeyHome.Context("tx_sign")));

        Assert.Equal("approval_delayed", delayed.Code);
        Assert.True(DateTimeOffset.Parse(delayed.Extra["sign_after"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(9));
        Assert.Equal("approval_delayed", early.Code);
        Assert.Contains("may be signed after", delayText, StringComparison.Ordinal);
        Assert.Equal("Vetoed. Nothing will be signed or changed.", vetoed);
        Assert.Equal("approval_declined", after.Code);
        Assert.Contains("vetoed", after.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(home.AuditLines(), line => line["operation"]!["result"]!.GetValue<string>() == "success" && line["operation"]!["tool"]?.GetValue<string>() == "tx_sign");
    }

    [Fact]
    public async Task The_freeze_button_on_the_page_stops_every_signature_until_an_approvers_passkey_lifts_it()
    {
        using var home = new PasskeyHome();
        home.SetPolicy(PasskeyHome.Policy(string.Empty));
        await home.EnrolAsync(_browser, "alice");
        var wallet = home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        await using var pages = new ApprovalPages(home.App.Approvals, home.App.ApprovalRules, home.App.Freeze);
        var agent = new McpApprover(home.App.Approvals, home.App.ApprovalRules, pages, server: null);
        var pending = await Assert.ThrowsAsync<ToolRefusedException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", PasskeyHome.Payment(wallet.Address, "200000000"), Autofill: false), null, agent, PasskeyHome.Context("tx_sign")));

        await _browser.NavigateAsync(new Uri(pending.Extra["approval_url"]!.GetValue<string>()));
        var frozen = await _browser.ClickAndReadStatusAsync("freeze");
        var small = await Assert.ThrowsAsync<WalletFrozenException>(() =>
            home.App.Transactions.SignAsync(new SigningRequest("hot", PasskeyHome.Payment(wallet.Address, "1000000"), Autofill: false), null, agent, PasskeyHome.Context("tx_sign")));
        var lifted = await home.App.Freeze.UnfreezeAsync(_ => home.App.PasskeyApprover(ClickOn("approve")), PasskeyHome.Context("unfreeze"));
        var signed = await home.App.Transactions.SignAsync(new SigningRequest("hot", PasskeyHome.Payment(wallet.Address, "1000000"), Autofill: false), null, agent, PasskeyHome.Context("tx_sign"));

        Assert.StartsWith("Frozen.", frozen, StringComparison.Ordinal);
        Assert.NotNull(small);
        Assert.True(lifted.Lifted);
        Assert.Equal("passkey", lifted.ApprovedVia);
        Assert.Equal("alice", lifted.Approver);
        Assert.NotEmpty(signed.Result.TxBlob);
    }

    [Fact]
    public async Task When_the_caller_gives_up_the_wait_ends_the_page_closes_and_nothing_is_deleted()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));
        using var gaveUp = new CancellationTokenSource();
        Uri? shown = null;
        var approver = home.App.PasskeyApprover(async (url, _) =>
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
    public async Task A_passkey_grant_without_an_assertion_or_with_a_nonce_no_page_of_this_vault_drew_is_refused()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        home.App.Wallets.Create("hot", "ed25519", "testnet", PasskeyHome.Context("wallet_create"));

        var bare = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, new ForgingApprover(null), PasskeyHome.Context("wallet_delete")));
        var forged = await Assert.ThrowsAsync<ApprovalException>(() =>
            home.App.Wallets.DeleteAsync("hot", nameOnly: true, approvalId: null, new ForgingApprover(new PasskeyAssertion("{}", new string('a', 64))), PasskeyHome.Context("wallet_delete")));

        Assert.Equal("approval_declined", bare.Code);
        Assert.Contains("must carry 1 to", bare.Message, StringComparison.Ordinal);
        Assert.Equal("approval_declined", forged.Code);
        Assert.Contains("not issued by an approval page of this vault", forged.Message, StringComparison.Ordinal);
        Assert.Single(home.App.Wallets.List());
    }

    [Fact]
    public async Task No_other_local_process_can_take_the_pages_localhost_port_on_either_loopback_address()
    {
        using var home = new PasskeyHome();
        var pending = home.App.Approvals.Create(new string('b', 64), new ApprovalSummary("Delete wallet y", ["Wallet: y"], [], []));
        var page = new ApprovalPage(home.App.Approvals, pending.Id, home.App.ApprovalRules);
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
        var pending = home.App.Approvals.Create(new string('a', 64), new ApprovalSummary("Delete wallet x", ["Wallet: x"], [], []));
        var page = new ApprovalPage(home.App.Approvals, pending.Id, home.App.ApprovalRules);
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
            Assert.Equal(ApprovalState.Pending, home.App.Approvals.Get(pending.Id).State);

            // The page's own origin may decline, once.
            Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, origin)).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await Send(client, HttpMethod.Post, new Uri(page.Url + "/decline"), null, origin)).StatusCode);
            Assert.Equal(ApprovalState.Denied, home.App.Approvals.Get(pending.Id).State);
        }
    }

    [Fact]
    public async Task The_page_shows_the_summary_in_words_with_untrusted_text_marked_and_escaped()
    {
        using var home = new PasskeyHome();
        await home.EnrolAsync(_browser, "alice");
        var pending = home.App.Approvals.Create(
            new string('b', 64),
            new ApprovalSummary("Sign Payment on testnet with wallet hot", ["Amount: 5 XRP (5000000 drops)"], ["new destination"], ["memo: MemoData=\"<b>approve now</b>\""]));
        var page = new ApprovalPage(home.App.Approvals, pending.Id, home.App.ApprovalRules);
        await using (page)
        {
            await page.StartAsync(CancellationToken.None);
            await _browser.NavigateAsync(page.Url);

            var text = (await _browser.EvaluateAsync("document.body.innerText"))!.GetValue<string>();
            var bold = (await _browser.EvaluateAsync("document.querySelectorAll('.untrusted b').length"))!.GetValue<int>();
            await Screenshot("approval-page.png");

            Assert.Contains("Sign Payment on testnet with wallet hot", text, StringComparison.Ordinal);
            Assert.Contains("Amount: 5 XRP (5000000 drops)", text, StringComparison.Ordinal);
            Assert.Contains("WARNING: new destination", text, StringComparison.Ordinal);
            Assert.Contains("Untrusted data (from the agent or the ledger; not instructions):", text, StringComparison.Ordinal);
            Assert.Contains("<b>approve now</b>", text, StringComparison.Ordinal);
            Assert.Equal(0, bold);
        }
    }

    /// <summary>Saves a screenshot for the docs when HSMWALLET_SCREENSHOTS names a folder (tools/screenshots.sh sets it).</summary>
    private async Task Screenshot(string name)
    {
        if (Environment.GetEnvironmentVariable("HSMWALLET_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await _browser.ScreenshotAsync(Path.Combine(folder, name));
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
            Task.FromResult(new ApprovalGrant(request.Binding, ApprovalGrant.ViaPasskey) { Passkeys = assertion is null ? [] : [new PasskeyApproval("alice", assertion)] });
    }

    /// <summary>A client that answers every form by itself (an auto-accepting agent framework).</summary>
    private sealed class FormApprover : IApprover
    {
        public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context) =>
            Task.FromResult(new ApprovalGrant(request.Binding, ApprovalGrant.ViaElicitation));
    }
}
