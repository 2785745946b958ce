using System.CommandLine;
using System.Reflection;
using HsmWallet.Core;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Hosting;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Transport;
using Microsoft.Extensions.Hosting;

namespace HsmWallet.McpServer;

/// <summary>
/// The `hsmwallet-mcp` command line (INTERFACES.md): the CLI's --home, --network, --rpc-url and unlock
/// options, then the stdio server until the client closes it. Bad options print one line on stderr, exit 2.
/// </summary>
public static class ServerCommandLine
{
    /// <summary>This server's version, as --version prints it and the MCP handshake reports it.</summary>
    public static string Version { get; } = typeof(ServerCommandLine).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The smallest --max-message-bytes: a tool call of the pipeline's 1 MB must still fit.</summary>
    public const int MinimumMessageBytes = 2 * 1024 * 1024;

    /// <summary>The largest --max-message-bytes.</summary>
    public const int MaximumMessageBytes = 64 * 1024 * 1024;

    /// <summary>Parses <paramref name="args"/> and runs the server; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var home = new Option<string>("--home") { Description = "The wallet home folder (default $HSMWALLET_HOME, else $XDG_DATA_HOME/hsmwallet)." };
        var network = new Option<string>("--network") { Description = "mainnet, testnet or devnet (default $HSMWALLET_NETWORK, else testnet)." };
        var rpcUrl = new Option<string>("--rpc-url") { Description = "A rippled JSON-RPC or WebSocket URL instead of a named network." };
        var passwordFile = new Option<string>("--password-file") { Description = "A 0600/0400 file holding the vault password." };
        var pinFile = new Option<string>("--pin-file") { Description = "A 0600/0400 file holding the PIN of a PKCS#11 or TPM slot." };
        var keyFile = new Option<string>("--key-file") { Description = "The key file of a key-file slot (default: the file recorded at enrolment)." };
        var recoveryKeyFile = new Option<string>("--recovery-key-file") { Description = "A 0600/0400 file holding a recovery key." };
        var slot = new Option<int?>("--slot") { Description = "The slot ID to unlock with." };
        var maxMessageBytes = new Option<int?>("--max-message-bytes")
        {
            Description = $"The longest JSON-RPC message read, in bytes ({MinimumMessageBytes} to {MaximumMessageBytes}; default {BoundedLineStream.DefaultMaxMessageBytes}); a longer one is dropped unread and answered with an error.",
        };
        var rateStandard = new Option<string>("--rate-standard") { Description = "Rate limit of the read-only tools: COUNT/PERIOD[,burst=N] (PERIOD s, min or h, e.g. 5min); default 100/min,burst=10." };
        var rateStrict = new Option<string>("--rate-strict") { Description = "Rate limit of signing, submitting and creating: COUNT/PERIOD[,burst=N]; default 20/min,burst=2." };
        var rateCritical = new Option<string>("--rate-critical") { Description = "Rate limit of export and delete: COUNT/PERIOD, a sliding window; default 5/5min." };
        var approvals = new Option<string>("--approvals") { Description = "The approval mode: form (the client's form), operator (`hsmwallet approve`) or passkey (an approver's passkey on a local page); default: the vault's (passkey once an approver is enrolled). A weaker mode than the vault's is not used." };
        var http = new Option<bool>("--http") { Description = $"Serve MCP over Streamable HTTP at {Http.HttpSettings.EndpointPath} instead of stdio; every request needs an agent's bearer token (hsmwallet agent add)." };
        var listen = new Option<string>("--listen") { Description = $"With --http: ADDRESS:PORT to listen on (default 127.0.0.1:{Http.HttpSettings.DefaultPort}); a non-loopback address needs --tls-cert and --tls-key." };
        var allowedHost = new Option<string[]>("--allowed-host") { Description = "With --http: a Host header value accepted beside the listen address (HOST or HOST:PORT; repeatable).", AllowMultipleArgumentsPerToken = false };
        var allowedOrigin = new Option<string[]>("--allowed-origin") { Description = "With --http: a browser Origin accepted (scheme://host[:port]; repeatable); any other Origin is refused with 403." };
        var tlsCert = new Option<string>("--tls-cert") { Description = "With --http: the PEM certificate (chain) file to serve HTTPS with." };
        var tlsKey = new Option<string>("--tls-key") { Description = "With --http: the PEM private key file of --tls-cert (0600)." };
        var oauthIssuer = new Option<string>("--oauth-issuer")
        {
            Description = "With --http: an OAuth 2.1 issuer (https URL; http only on loopback) whose access tokens (JWTs, typ at+jwt) also let agents in, each bound by this issuer and its sub (hsmwallet agent add NAME --oauth-subject SUB --oauth-issuer URL).",
        };
        var oauthScope = new Option<string[]>("--oauth-scope")
        {
            Description = "With --oauth-issuer: a scope every token's scope (or scp) must contain, else 403 insufficient_scope (repeatable: all are needed).",
        };
        var oauthAcceptJwtTyp = new Option<bool>("--oauth-accept-jwt-typ")
        {
            Description = "With --oauth-issuer: also accept access tokens whose typ is JWT, not only RFC 9068's at+jwt (Keycloak and Entra ID send JWT).",
        };
        var oauthAudience = new Option<string>("--oauth-audience")
        {
            Description = "With --oauth-issuer (needed): this server's resource URI as agents reach it (e.g. https://wallet.example:8765/mcp); a token's aud must contain it.",
        };
        var state = new Option<string>("--state") { Description = "files (default) or postgres://USER@HOST:PORT/DB: where signing state, limits and approvals live, shared by every instance on that database (docs/deployment.md)." };
        var stateCredential = new Option<string>("--state-credential") { Description = "A 0600/0400 file holding the --state database's password or an Npgsql connection string (default: the systemd credential hsmwallet-state)." };
        var metricsListen = new Option<string>("--metrics") { Description = $"Serve /metrics (Prometheus), /healthz and /readyz on ADDRESS:PORT, a port of its own (e.g. 127.0.0.1:{Metrics.MetricsEndpoint.DocumentedPort}); off unless given." };
        var root = new RootCommand("hsmwallet-mcp: the HsmWallet MCP server (stdio, or Streamable HTTP with --http). Started by an MCP client; logs go to stderr and the home's logs/ folder.")
        {
            home, network, rpcUrl, passwordFile, pinFile, keyFile, recoveryKeyFile, slot, maxMessageBytes, rateStandard, rateStrict, rateCritical, approvals,
            http, listen, allowedHost, allowedOrigin, tlsCert, tlsKey, metricsListen, state, stateCredential, oauthIssuer, oauthAudience, oauthScope, oauthAcceptJwtTyp,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            ServerOptions options;
            Hosting.State.Postgres.PostgresStateStore? stateStore = null;
            try
            {
                var settings = HostSettings.Resolve(parse.GetValue(home), parse.GetValue(network), parse.GetValue(rpcUrl));
                var messageLimit = parse.GetValue(maxMessageBytes) ?? BoundedLineStream.DefaultMaxMessageBytes;
                if (messageLimit is < MinimumMessageBytes or > MaximumMessageBytes)
                {
                    throw new InvalidInputException("--max-message-bytes", $"must be {MinimumMessageBytes} to {MaximumMessageBytes}");
                }

                var defaults = Pipeline.RateLimitSettings.Default;
                var rates = new Pipeline.RateLimitSettings(
                    parse.GetValue(rateStandard) is { } standardText ? Pipeline.RateLimitSettings.Parse("--rate-standard", standardText, defaults.Standard, window: false) : defaults.Standard,
                    parse.GetValue(rateStrict) is { } strictText ? Pipeline.RateLimitSettings.Parse("--rate-strict", strictText, defaults.Strict, window: false) : defaults.Strict,
                    parse.GetValue(rateCritical) is { } criticalText ? Pipeline.RateLimitSettings.Parse("--rate-critical", criticalText, defaults.Critical, window: true) : defaults.Critical);
                stateStore = Hosting.State.StateStoreChoice.Open(
                    parse.GetValue(state), parse.GetValue(stateCredential), Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY"));
                options = new ServerOptions
                {
                    StateStore = stateStore,
                    RateLimits = rates,
                    HomePath = settings.HomePath,
                    Network = settings.Network,
                    PasswordFile = parse.GetValue(passwordFile),
                    PinFile = parse.GetValue(pinFile),
                    KeyFile = parse.GetValue(keyFile),
                    RecoveryKeyFile = parse.GetValue(recoveryKeyFile),
                    Slot = parse.GetValue(slot),
                    MaxMessageBytes = messageLimit,
                    Approvals = parse.GetValue(approvals) is { } mode ? Core.Approvals.ApprovalModes.Parse(mode, "--approvals") : null,
                    Metrics = parse.GetValue(metricsListen) is { } metricsText ? Metrics.MetricsEndpoint.Parse(metricsText) : null,
                    Http = HttpFrom(parse, http, listen, allowedHost, allowedOrigin, tlsCert, tlsKey, oauthIssuer, oauthAudience, oauthScope, oauthAcceptJwtTyp),
                };
            }
            catch (InvalidInputException error)
            {
                stateStore?.Dispose();
                await Console.Error.WriteLineAsync($"hsmwallet-mcp: {OptionMessage(error)}").ConfigureAwait(false);
                return 2;
            }

            using var ownedStore = stateStore;
            try
            {
                // A database that cannot be reached, or whose schema is not this version's, stops the start here.
                stateStore?.EnsureSchema();
            }
            catch (Core.State.StateStoreException error)
            {
                await Console.Error.WriteLineAsync($"hsmwallet-mcp: {error.Message}").ConfigureAwait(false);
                return 1;
            }

            IHost host;
            try
            {
                host = ServerHost.Build(new ServerHost.Parts { Options = options });
            }
            catch (InvalidInputException error)
            {
                await Console.Error.WriteLineAsync($"hsmwallet-mcp: {OptionMessage(error)}").ConfigureAwait(false);
                return 2;
            }
            catch (UnsafeFilePermissionsException error)
            {
                await Console.Error.WriteLineAsync($"hsmwallet-mcp: {error.Message}").ConfigureAwait(false);
                return 1;
            }
#pragma warning disable CA1031 // A failed start says what failed in one line, never a stack trace or exception text.
            catch (Exception error)
#pragma warning restore CA1031
            {
                await Console.Error.WriteLineAsync($"hsmwallet-mcp: could not start ({error.GetType().Name})").ConfigureAwait(false);
                return 1;
            }

            using (host)
            {
                try
                {
                    await host.RunAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                }
#pragma warning disable CA1031 // A crash while serving says so in one line, never a stack trace or exception text.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    await Console.Error.WriteLineAsync($"hsmwallet-mcp: stopped after an internal error ({error.GetType().Name})").ConfigureAwait(false);
                    return 1;
                }
            }

            return 0;
        });
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>The --http settings, or null for stdio; an HTTP-only option without --http is refused, naming it.</summary>
    private static Http.HttpSettings? HttpFrom(
        ParseResult parse, Option<bool> http, Option<string> listen, Option<string[]> allowedHost, Option<string[]> allowedOrigin, Option<string> tlsCert, Option<string> tlsKey, Option<string> oauthIssuer, Option<string> oauthAudience, Option<string[]> oauthScope, Option<bool> oauthAcceptJwtTyp)
    {
        if (!parse.GetValue(http))
        {
            foreach (var option in new Option[] { listen, allowedHost, allowedOrigin, tlsCert, tlsKey, oauthIssuer, oauthAudience, oauthScope, oauthAcceptJwtTyp })
            {
                if (parse.GetResult(option) is { Implicit: false })
                {
                    throw new InvalidInputException(option.Name, "is used with --http only");
                }
            }

            return null;
        }

        return Http.HttpSettings.Parse(
            parse.GetValue(listen), parse.GetValue(allowedHost), parse.GetValue(allowedOrigin), parse.GetValue(tlsCert), parse.GetValue(tlsKey), parse.GetValue(oauthIssuer), parse.GetValue(oauthAudience), parse.GetValue(oauthScope), parse.GetValue(oauthAcceptJwtTyp));
    }

    /// <summary>Core and Hosting name fields (network, rpc_url, home); the operator typed options, so the message names the option.</summary>
    private static string OptionMessage(InvalidInputException error) => error.Field switch
    {
        "network" => $"--network: {error.Rule}",
        "rpc_url" => $"--rpc-url: {error.Rule}",
        "home" => $"--home: {error.Rule}",
        _ => error.Message,
    };
}
