using System.Net;
using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.McpServer.Tests.Support;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// Passkey mode over MCP with the SDK's own client: once an approver is enrolled, a client that answers forms by itself
/// gets no grant, a weaker --approvals changes nothing, and a client offering URL-mode elicitation is sent the page.
/// </summary>
public sealed class PasskeyModeTests
{
    private const string NeedsApproval = """{"version":1,"networks":{"testnet":{"default":{"new_destination_requires_approval":true}}}}""";

    private static readonly object Tx = new { TransactionType = "Payment", Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", Amount = "1500000", Fee = "12", Sequence = 1, LastLedgerSequence = 5000 };

    private static readonly object Payment = new { wallet = "payer", tx = Tx, autofill = false };

    /// <summary>A key-file vault with the approval policy and one enrolled approver (public data only; no assertion from it is made here).</summary>
    private static TestServerSetup WithApprover(Func<ElicitRequestParams, ElicitResult>? elicit = null) =>
        TestServerSetup.KeyFileVault(NeedsApproval) with
        {
            Elicit = elicit,
            Prepare = home =>
            {
                TestServer.CreateKeyFileVault(home);
                TestServer.SetPolicy(home, NeedsApproval);
                var vault = new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry());
                new PasskeyApproverStore(vault, () => new UnlockOptions(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false })))
                    .Add(new EnrolledApprover("alice", "AQIDBAUGBwgJCgsMDQ4PEA", RandomNumberGenerator.GetBytes(77), 0));
            },
        };

    private static int Signed(TestServer server) =>
        server.AuditEntries("transaction.sign").Count(entry => entry["operation"]!["result"]!.GetValue<string>() == "success");

    [Fact]
    public async Task A_client_that_accepts_every_form_by_itself_gets_no_grant_once_an_approver_is_enrolled()
    {
        var forms = 0;
        await using var server = await TestServer.StartAsync(WithApprover(_ =>
        {
            forms++;
            return Approvals.Accept();
        }) with
        { Options = options => options with { Approvals = ApprovalMode.Form } });
        await server.OkAsync("wallet_create", new { name = "payer" });

        var pending = await server.ErrorAsync("tx_sign", Payment, "approval_pending");
        var status = await server.OkAsync("server_status");

        Assert.Equal(0, forms);
        Assert.Equal(0, Signed(server));
        Assert.StartsWith("http://localhost:", pending["approval_url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, pending["approvers_needed"]!.GetValue<int>());
        Assert.Equal("passkey", status["approvals"]!["mode"]!.GetValue<string>());
        Assert.Equal(1, status["approvals"]!["approvers"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_operators_yes_on_a_passkey_request_signs_nothing()
    {
        await using var server = await TestServer.StartAsync(WithApprover());
        await server.OkAsync("wallet_create", new { name = "payer" });
        var pending = await server.ErrorAsync("tx_sign", Payment, "approval_pending");
        var id = pending["approval_id"]!.GetValue<string>();

        server.Services.App.Approvals.Approve(id); // what an agent with a shell could do with the store
        var refused = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = Tx, autofill = false, approval_id = id }, "approval_declined");

        Assert.Contains("passkey", refused["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task A_client_offering_url_mode_elicitation_is_sent_the_approval_page_and_a_decline_there_refuses()
    {
        ElicitRequestParams? asked = null;
        string? declined = null;
        await using var server = await TestServer.StartAsync(WithApprover(request =>
        {
            asked = request;
            // The person opens the page and declines there (a decline needs no passkey).
            var url = new Uri(request.Url!);
            using var client = new HttpClient();
            using var post = new HttpRequestMessage(HttpMethod.Post, url + "/decline") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            post.Headers.Add("Origin", url.GetLeftPart(UriPartial.Authority));
            var answer = client.Send(post);
            declined = answer.StatusCode == HttpStatusCode.OK ? new StreamReader(answer.Content.ReadAsStream()).ReadToEnd() : answer.StatusCode.ToString();
            return new ElicitResult { Action = "accept" };
        }) with
        { UrlElicitation = true });
        await server.OkAsync("wallet_create", new { name = "payer" });

        var refused = await server.ErrorAsync("tx_sign", Payment, "approval_declined");

        Assert.Equal("url", asked!.Mode);
        Assert.StartsWith("http://localhost:", asked.Url, StringComparison.Ordinal);
        Assert.StartsWith("apv_", asked.ElicitationId, StringComparison.Ordinal);
        Assert.Equal("Declined. Nothing will be signed or changed.", declined);
        Assert.Contains("declined", refused["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task A_client_that_declines_to_open_the_page_gets_approval_declined_and_the_request_is_withdrawn()
    {
        await using var server = await TestServer.StartAsync(WithApprover(_ => Approvals.Decline()) with { UrlElicitation = true });
        await server.OkAsync("wallet_create", new { name = "payer" });

        await server.ErrorAsync("tx_sign", Payment, "approval_declined");

        Assert.Empty(server.Services.App.Approvals.ListPending());
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task When_nobody_answers_the_page_within_the_calls_time_the_agent_gets_the_page_and_the_id_not_a_timeout()
    {
        ElicitRequestParams? asked = null;
        await using var server = await TestServer.StartAsync(WithApprover(request =>
        {
            asked = request;
            return new ElicitResult { Action = "accept" };
        }) with
        {
            UrlElicitation = true,
            Pipeline = new() { AutoReplenishRateLimits = false, Timeout = TimeSpan.FromSeconds(5) },
        });
        await server.OkAsync("wallet_create", new { name = "payer" });

        var pending = await server.ErrorAsync("tx_sign", Payment, "approval_pending");

        Assert.Equal(asked!.Url, pending["approval_url"]!.GetValue<string>());
        Assert.Equal(asked.ElicitationId, pending["approval_id"]!.GetValue<string>());
        Assert.Single(server.Services.App.Approvals.ListPending());
        Assert.Equal(0, Signed(server));
    }
}
