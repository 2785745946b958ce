using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Ledger;

/// <summary>What a test network's faucet says it sent.</summary>
/// <param name="Address">The funded classic address.</param>
/// <param name="AmountDrops">The test XRP sent, in drops, when the faucet says.</param>
/// <param name="TransactionHash">The funding payment's hash, when the faucet says.</param>
public sealed record FaucetFunding(string Address, ulong? AmountDrops, string? TransactionHash);

/// <summary>
/// Asks a test network's faucet to fund an account with test XRP. It refuses to exist for mainnet or for a network
/// without a known faucet, so no code path can send a faucet request there: the refusal comes before any connection.
/// The faucet is another party's service: one request, no retry (a retry could fund twice), a timeout, no redirects,
/// and an answer read field by field and bounded in size.
/// </summary>
public sealed class FaucetClient : IDisposable
{
    /// <summary>The longest faucet answer read.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly HttpClient _http;
    private readonly Uri _faucet;
    private readonly TimeSpan _timeout;

    /// <summary>A client for <paramref name="network"/>'s faucet; throws naming "network" on mainnet or without a faucet.</summary>
    public FaucetClient(LedgerNetwork network, TimeSpan? timeout = null, HttpMessageHandler? handler = null)
    {
        _faucet = FaucetOf(network);
        _timeout = timeout ?? TimeSpan.FromSeconds(20);
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>The faucet of <paramref name="network"/>; throws naming "network" on mainnet or where no faucet is known.</summary>
    public static Uri FaucetOf(LedgerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.IsMainnet)
        {
            throw new InvalidInputException("network", "is mainnet: there is no faucet for real XRP; nothing was requested");
        }

        return network.FaucetUri
            ?? throw new InvalidInputException("network", $"{network.Name} has no known faucet (a custom server URL): fund the account from its network's own faucet; nothing was requested");
    }

    /// <summary>Asks the faucet to fund <paramref name="account"/> and returns what it says it sent.</summary>
    public async Task<FaucetFunding> FundAsync(AccountId account, CancellationToken cancellationToken)
    {
        var address = account.ToClassicAddress();
        using var content = new StringContent(new JsonObject { ["destination"] = address, ["userAgent"] = "hsmwallet" }.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = JsonType;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        string text;
        try
        {
            using var response = await _http.PostAsync(_faucet, content, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new LedgerException(
                    status == 429 ? "faucetBusy" : "faucetRefused",
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the faucet answered HTTP {status}; nothing is known to be funded"));
            }

            text = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LedgerException("timeout", "the faucet did not answer in time; check the balance before asking again", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new LedgerException("transport", "the faucet could not be reached", exception);
        }

        return Read(text, address);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new LedgerException("badResponse", "the faucet's answer is larger than the client accepts");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxResponseBytes + 1];
            var total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxResponseBytes)
                {
                    throw new LedgerException("badResponse", "the faucet's answer is larger than the client accepts");
                }
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private static FaucetFunding Read(string text, string address)
    {
        JsonObject answer;
        try
        {
            answer = JsonNode.Parse(text) as JsonObject ?? throw new LedgerException("badResponse", "the faucet's answer is not a JSON object");
        }
        catch (JsonException exception)
        {
            throw new LedgerException("badResponse", "the faucet's answer is not JSON", exception);
        }

        // The faucet names the account it funded: another one means the answer is not about this request.
        if (answer["account"] is JsonObject account)
        {
            foreach (var name in new[] { "classicAddress", "address" })
            {
                if (account[name] is JsonNode funded && (funded is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>() != address))
                {
                    throw new LedgerException("badResponse", $"the faucet's account.{name} is not the account asked for");
                }
            }
        }

        ulong? drops = answer["amount"] is JsonNode amount ? LedgerStatus.XrpToDrops(amount, "faucet amount") : null;
        string? hash = null;
        if (answer["transactionHash"] is JsonNode hashNode)
        {
            hash = hashNode is JsonValue hashValue && hashValue.GetValueKind() == JsonValueKind.String
                && hashValue.GetValue<string>() is { Length: 64 } hex && hex.All(char.IsAsciiHexDigit)
                ? hex.ToUpperInvariant()
                : throw new LedgerException("badResponse", "the faucet's transactionHash is not 64 hex digits");
        }

        return new FaucetFunding(address, drops, hash);
    }
}
