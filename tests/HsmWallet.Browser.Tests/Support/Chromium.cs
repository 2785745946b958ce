using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Browser.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol directly (a WebSocket and JSON): one page target
/// with a virtual CTAP2 platform authenticator that has a resident key and verifies its user, as a passkey would.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task? _reader;
    private int _nextId;
    private string? _session;

    private Chromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    private readonly Dictionary<string, JsonObject> _credentials = new(StringComparer.Ordinal);
    private string _authenticatorId = string.Empty;

    /// <summary>Starts chromium with a fresh profile, opens one page and gives it a virtual authenticator.</summary>
    public static async Task<Chromium> LaunchAsync()
    {
        var profile = Directory.CreateTempSubdirectory("hsmwallet-chromium-");
        var start = new ProcessStartInfo(File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "chromium")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0",
            "--user-data-dir=" + profile.FullName, "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new Chromium(process, profile);
        try
        {
            var portFile = Path.Combine(profile.FullName, "DevToolsActivePort");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("chromium did not open its DevTools port");
                }

                await Task.Delay(100);
            }

            var lines = File.ReadAllLines(portFile);
            await browser._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0]}{lines[1]}"), CancellationToken.None);
            browser._reader = Task.Run(browser.ReadAsync);
            var target = await browser.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, inSession: false);
            var attached = await browser.SendAsync(
                "Target.attachToTarget",
                new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true },
                inSession: false);
            browser._session = attached["sessionId"]!.GetValue<string>();
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            await browser.SendAsync("WebAuthn.enable", new JsonObject { ["enableUI"] = false });
            var authenticator = await browser.SendAsync("WebAuthn.addVirtualAuthenticator", new JsonObject
            {
                ["options"] = new JsonObject
                {
                    ["protocol"] = "ctap2",
                    ["transport"] = "internal",
                    ["hasResidentKey"] = true,
                    ["hasUserVerification"] = true,
                    ["isUserVerified"] = true,
                    ["automaticPresenceSimulation"] = true,
                },
            });
            browser._authenticatorId = authenticator["authenticatorId"]!.GetValue<string>();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Makes the virtual authenticator hold only the credential <paramref name="credentialId"/> (base64url), as if that one
    /// person's security key were plugged in; the others are kept, with their counters, for a later switch.
    /// </summary>
    public async Task ActAsAsync(string credentialId)
    {
        await StashCredentialsAsync();
        var wanted = _credentials.First(pair => ToBase64Url(pair.Key) == credentialId).Value;
        await SendAsync("WebAuthn.addCredential", new JsonObject { ["authenticatorId"] = _authenticatorId, ["credential"] = wanted.DeepClone() });
    }

    /// <summary>Takes every credential off the virtual authenticator, keeping each (with its counter) for <see cref="ActAsAsync"/>.</summary>
    public async Task StashCredentialsAsync()
    {
        var held = await SendAsync("WebAuthn.getCredentials", new JsonObject { ["authenticatorId"] = _authenticatorId });
        foreach (var credential in held["credentials"]!.AsArray().OfType<JsonObject>())
        {
            _credentials[credential["credentialId"]!.GetValue<string>()] = (JsonObject)credential.DeepClone();
        }

        await SendAsync("WebAuthn.clearCredentials", new JsonObject { ["authenticatorId"] = _authenticatorId });
    }

    /// <summary>Takes a PNG screenshot of the page into <paramref name="path"/> (for the docs).</summary>
    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    private static string ToBase64Url(string base64) => base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Opens <paramref name="url"/> in the page and waits until its document has loaded.</summary>
    public async Task NavigateAsync(Uri url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await EvaluateAsync("document.readyState === 'complete' && location.href") is not JsonValue value
            || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>() != url.AbsoluteUri)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("the page did not load");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["awaitPromise"] = true,
            ["returnByValue"] = true,
            ["userGesture"] = true,
        });
        return result["exceptionDetails"] is JsonNode error
            ? throw new InvalidOperationException("page script failed: " + error.ToJsonString())
            : result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Clicks the element with id <paramref name="id"/> and waits until the page's status line says something, which it returns.</summary>
    public async Task<string> ClickAndReadStatusAsync(string id)
    {
        await EvaluateAsync($"document.getElementById('{id}').click(); true");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await EvaluateAsync("document.getElementById('status').textContent"))?.GetValue<string>() ?? string.Empty;
            if (status.Length > 0)
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("the page showed no result");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends one DevTools command (to the page's session unless <paramref name="inSession"/> is false) and returns its result.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, bool inSession = true)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (inSession)
        {
            message["sessionId"] = _session;
        }

        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }

        var reply = await answer.Task.WaitAsync(CommandTimeout);
        return reply["error"] is JsonNode error
            ? throw new InvalidOperationException(method + " failed: " + error.ToJsonString())
            : reply["result"]?.AsObject() ?? new JsonObject();
    }

    /// <summary>Closes the connection, ends chromium and removes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(message.ToArray())?.AsObject();
                message.SetLength(0);
                if (node?["id"] is JsonNode idNode && _pending.TryRemove(idNode.GetValue<int>(), out var waiting))
                {
                    waiting.TrySetResult(node);
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
        }

        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new InvalidOperationException("the DevTools connection closed"));
        }
    }
}
