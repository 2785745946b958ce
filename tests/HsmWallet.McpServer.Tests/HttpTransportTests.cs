using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmWallet.McpServer.Http;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// hsmwallet-mcp --http: the SDK's client over Streamable HTTP reaches the same tools through the same pipeline, only
/// with an agent's bearer token, only from this server's Host and no foreign Origin; each agent sees only its wallets
/// and the audit log names it.
/// </summary>
public sealed class HttpTransportTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    private static object Payment() =>
        new { TransactionType = "Payment", Destination, Amount = "1000", Fee = "12", Sequence = 1, LastLedgerSequence = 5000 };

    [Fact]
    public async Task An_agent_with_a_token_lists_tools_creates_a_wallet_and_signs_over_HTTP_and_the_audit_names_it()
    {
        await using var server = await HttpTestServer.StartAsync();
        var token = server.Agents.Add("ops", null);
        await using var client = await server.ConnectAsync(token);
        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, tool => tool.Name == "tx_sign");
        var (createError, created) = await server.CallAsync(client, "wallet_create", new { name = "alpha" });
        Assert.False(createError, created.ToJsonString());
        var (signError, signed) = await server.CallAsync(client, "tx_sign", new { wallet = "alpha", tx = Payment(), autofill = false });
        Assert.False(signError, signed.ToJsonString());
        Assert.False(string.IsNullOrEmpty(signed["tx_blob"]?.GetValue<string>()));
        var entry = Assert.Single(server.AuditEntries("transaction.sign"));
        Assert.Contains("agent:ops", entry.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_a_wrong_token_and_a_revoked_token_are_refused_with_401_and_a_bearer_challenge()
    {
        await using var server = await HttpTestServer.StartAsync();
        var token = server.Agents.Add("ops", null);
        using (var ok = await server.PostInitializeAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        foreach (var presented in new[] { null, "hwa_" + new string('A', 43), token + "x" })
        {
            using var refused = await server.PostInitializeAsync(presented);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        }

        server.Agents.Revoke("ops");
        using var revoked = await server.PostInitializeAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync(token));
    }

    [Fact]
    public async Task Another_agents_wallet_is_refused_as_unknown_and_absent_from_wallet_list()
    {
        await using var server = await HttpTestServer.StartAsync();
        await using var admin = await server.ConnectAsync(server.Agents.Add("admin", null));
        var (_, beta) = await server.CallAsync(admin, "wallet_create", new { name = "beta" });
        await server.CallAsync(admin, "wallet_create", new { name = "alpha" });
        await using var limited = await server.ConnectAsync(server.Agents.Add("alice", ["alpha"]));

        var (_, listed) = await server.CallAsync(limited, "wallet_list");
        var names = listed["wallets"]!.AsArray().Select(wallet => wallet!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["alpha"], names);

        var (_, unknown) = await server.CallAsync(limited, "tx_sign", new { wallet = "nosuch", tx = Payment(), autofill = false });
        foreach (var reference in new[] { "beta", beta["address"]!.GetValue<string>() })
        {
            var (isError, body) = await server.CallAsync(limited, "tx_sign", new { wallet = reference, tx = Payment(), autofill = false });
            Assert.True(isError);
            Assert.Equal(unknown["error"]!["code"]!.ToJsonString(), body["error"]!["code"]!.ToJsonString());
            Assert.Equal(unknown["error"]!["message"]!.ToJsonString(), body["error"]!["message"]!.ToJsonString());
        }

        var (createError, _) = await server.CallAsync(limited, "wallet_create", new { name = "gamma" });
        Assert.True(createError);
        Assert.Contains(server.AuditEntries("security.invalid_input"), entry => entry.ToJsonString().Contains("agent:alice", StringComparison.Ordinal));
        Assert.Empty(server.AuditEntries("transaction.sign"));
        var (signError, signed) = await server.CallAsync(limited, "tx_sign", new { wallet = "alpha", tx = Payment(), autofill = false });
        Assert.False(signError, signed.ToJsonString());
    }

    [Fact]
    public async Task A_request_from_another_sites_Origin_is_refused_with_403_and_an_allowed_one_passes()
    {
        await using var server = await HttpTestServer.StartAsync(port => HttpSettings.Parse($"127.0.0.1:{port}", null, ["https://console.example"], null, null));
        var token = server.Agents.Add("ops", null);
        using var foreign = await server.PostInitializeAsync(token, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using var allowed = await server.PostInitializeAsync(token, origin: "https://console.example");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_Host_header_other_than_the_listen_address_is_refused_as_DNS_rebinding_is()
    {
        await using var server = await HttpTestServer.StartAsync();
        var token = server.Agents.Add("ops", null);
        using var rebound = await server.PostInitializeAsync(token, host: $"attacker.example:{server.Port}");
        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.StatusCode);
        using var local = await server.PostInitializeAsync(token, host: $"localhost:{server.Port}");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Fact]
    public async Task The_metrics_port_counts_signatures_by_result_and_unlocks_by_kind_and_answers_health_and_readiness()
    {
        await using var server = await HttpTestServer.StartAsync();
        await using var client = await server.ConnectAsync(server.Agents.Add("ops", null));
        await server.CallAsync(client, "wallet_create", new { name = "alpha" });
        var (signError, _) = await server.CallAsync(client, "tx_sign", new { wallet = "alpha", tx = Payment(), autofill = false });
        var (refused, _) = await server.CallAsync(client, "tx_sign", new { wallet = "nosuch", tx = Payment(), autofill = false });
        Assert.False(signError);
        Assert.True(refused);

        using var http = new HttpClient { BaseAddress = server.MetricsBase };
        var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains("hsmwallet_signatures_total{result=\"permitted\",reason=\"\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("hsmwallet_signatures_total{result=\"refused\",reason=\"invalid_input\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("hsmwallet_unlock_seconds_count{kind=\"keyfile\"}", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("alpha", metrics, StringComparison.Ordinal);
        using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        File.SetUnixFileMode(Path.Combine(server.Home, "vault.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        using var notReady = await http.GetAsync(new Uri("readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("vault", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_agent_has_its_own_rate_limits()
    {
        await using var server = await HttpTestServer.StartAsync();
        await using var greedy = await server.ConnectAsync(server.Agents.Add("greedy", null));
        await using var other = await server.ConnectAsync(server.Agents.Add("other", null));
        var sign = new { wallet = "nosuch", tx = Payment(), autofill = false };

        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, body) = await HttpTestServer.CallUnrefilledAsync(greedy, "tx_sign", sign);
            codes.Add(body["error"]!["code"]!.GetValue<string>());
        }

        var (_, others) = await HttpTestServer.CallUnrefilledAsync(other, "tx_sign", sign);
        Assert.Equal("rate_limited", codes[^1]);
        Assert.Equal("invalid_input", others["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_agent_has_its_own_bound_of_pending_approvals()
    {
        await using var server = await HttpTestServer.StartAsync(policy: """{"version":1,"networks":{"testnet":{"default":{"new_destination_requires_approval":true}}}}""");
        await using var greedy = await server.ConnectAsync(server.Agents.Add("greedy", null));
        await using var other = await server.ConnectAsync(server.Agents.Add("other", null));
        await server.CallAsync(greedy, "wallet_create", new { name = "payer" });
        object Sign(int amount) => new { wallet = "payer", tx = new { TransactionType = "Payment", Destination, Amount = amount.ToString(System.Globalization.CultureInfo.InvariantCulture), Fee = "12", Sequence = 1, LastLedgerSequence = 5000 }, autofill = false };

        for (var i = 0; i < Core.Approvals.ApprovalStore.DefaultMaxPendingPerAgent; i++)
        {
            var (_, pending) = await server.CallAsync(greedy, "tx_sign", Sign(1000 + i));
            Assert.Equal("approval_pending", pending["error"]!["code"]!.GetValue<string>());
        }

        var (_, over) = await server.CallAsync(greedy, "tx_sign", Sign(5000));
        var (_, others) = await server.CallAsync(other, "tx_sign", Sign(6000));
        Assert.Equal("rate_limited", over["error"]!["code"]!.GetValue<string>());
        Assert.Equal("approval_pending", others["error"]!["code"]!.GetValue<string>());

        using var http = new HttpClient { BaseAddress = server.MetricsBase };
        var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        var asked = Core.Approvals.ApprovalStore.DefaultMaxPendingPerAgent + 1;
        Assert.Contains($"hsmwallet_approvals_total{{event=\"asked\"}} {asked}", metrics, StringComparison.Ordinal);
        Assert.Contains($"hsmwallet_signatures_total{{result=\"refused\",reason=\"approval_pending\"}} {asked}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_longer_than_the_message_limit_is_refused_with_413()
    {
        await using var server = await HttpTestServer.StartAsync();
        var token = server.Agents.Add("ops", null);
        var padding = new string('a', Transport.BoundedLineStream.DefaultMaxMessageBytes + 1024);
        using var response = await server.PostInitializeAsync(token, body: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" + padding + "\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Over_TLS_the_SDK_client_calls_tools_and_a_key_file_open_to_others_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("hsmwallet-tls-").FullName;
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certificateFile = Path.Combine(folder, "cert.pem");
            var keyFile = Path.Combine(folder, "key.pem");
            File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            await Assert.ThrowsAsync<Core.Secrets.Files.UnsafeFilePermissionsException>(() => HttpTestServer.StartAsync(port => HttpSettings.Parse($"127.0.0.1:{port}", null, null, certificateFile, keyFile)));

            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var thumbprint = certificate.Thumbprint;
#pragma warning disable CA2000 // The server disposes the client it is given.
            var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == thumbprint };
            await using var server = await HttpTestServer.StartAsync(port => HttpSettings.Parse($"127.0.0.1:{port}", null, null, certificateFile, keyFile), http: new HttpClient(handler, disposeHandler: true));
#pragma warning restore CA2000
            Assert.Equal("https", server.Endpoint.Scheme);
            await using var client = await server.ConnectAsync(server.Agents.Add("ops", null));
            var (isError, listed) = await server.CallAsync(client, "wallet_list");
            Assert.False(isError, listed.ToJsonString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_real_process_with_http_serves_on_its_listen_port_and_refuses_bad_http_options_naming_them()
    {
        var home = Directory.CreateTempSubdirectory("hsmwallet-mcp-http-process-").FullName;
        try
        {
            File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var (openCode, openError) = RunToExit(home, "--http", "--listen", "0.0.0.0:8765");
            Assert.Equal(2, openCode);
            Assert.Contains("--listen", openError, StringComparison.Ordinal);
            Assert.Contains("--tls-cert", openError, StringComparison.Ordinal);
            var (strayCode, strayError) = RunToExit(home, "--allowed-origin", "https://a.example");
            Assert.Equal(2, strayCode);
            Assert.Contains("--allowed-origin", strayError, StringComparison.Ordinal);
            var (oauthCode, oauthError) = RunToExit(home, "--oauth-issuer", "https://auth.example");
            Assert.Equal(2, oauthCode);
            Assert.Contains("--oauth-issuer", oauthError, StringComparison.Ordinal);
            var (audienceCode, audienceError) = RunToExit(home, "--http", "--oauth-issuer", "https://auth.example");
            Assert.Equal(2, audienceCode);
            Assert.Contains("--oauth-audience", audienceError, StringComparison.Ordinal);

            var port = FreePort();
            using var process = Start(home, "--http", "--listen", $"127.0.0.1:{port}");
            try
            {
                using var client = new HttpClient();
                HttpResponseMessage? answer = null;
                for (var attempt = 0; attempt < 200 && answer is null; attempt++)
                {
                    try
                    {
                        answer = await client.PostAsync(new Uri($"http://127.0.0.1:{port}/mcp"), new StringContent("{}"));
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(100);
                    }
                }

                Assert.NotNull(answer);
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
                answer.Dispose();
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static System.Diagnostics.Process Start(string home, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"));
        foreach (var argument in (string[])["--home", home, "--network", "testnet", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("HSMWALLET_HOME");
        start.Environment.Remove("HSMWALLET_NETWORK");
        start.Environment.Remove("HSMWALLET_PASSWORD");
        start.Environment.Remove("ASPNETCORE_URLS");
        return System.Diagnostics.Process.Start(start)!;
    }

    private static (int ExitCode, string Stderr) RunToExit(string home, params string[] arguments)
    {
        using var process = Start(home, arguments);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr);
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    [Fact]
    public void A_non_loopback_address_without_TLS_is_refused_naming_the_option()
    {
        var error = Assert.Throws<Core.InvalidInputException>(() => HttpSettings.Parse("0.0.0.0:8765", null, null, null, null));
        Assert.Equal("--listen", error.Field);
        Assert.Contains("--tls-cert", error.Message, StringComparison.Ordinal);
        Assert.Throws<Core.InvalidInputException>(() => HttpSettings.Parse("127.0.0.1:8765", null, null, "cert.pem", null));
        Assert.Equal(8765, HttpSettings.Parse(null, null, null, null, null).Listen.Port);
    }

    [Fact]
    public async Task An_agent_list_changed_behind_the_vaults_back_lets_no_one_in_restored_after_a_revocation_or_deleted()
    {
        await using var server = await HttpTestServer.StartAsync();
        var token = server.Agents.Add("ops", null);
        var path = Path.Combine(server.Home, Hosting.Agents.AgentRegistry.FileName);
        var beforeRevocation = await File.ReadAllBytesAsync(path);
        server.Agents.Revoke("ops");

        // An older copy of the list (the revoked agent alive again) put back by someone who cannot unlock the vault.
        await File.WriteAllBytesAsync(path, beforeRevocation);
        var restored = (await server.PostInitializeAsync(token)).StatusCode;
        File.Delete(path);
        var deleted = (await server.PostInitializeAsync(token)).StatusCode;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, restored);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, deleted);
    }
}
