using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Tests.Support;

/// <summary>
/// Runs the built hsmwallet on a pseudo-terminal driven by python3's pty support, typing each answer only once its
/// prompt is on the screen (as a person does), so what the screen shows is exactly what the terminal echoed.
/// After the command ends it reads the terminal's settings, to tell whether echo was left on.
/// </summary>
public static class PseudoTerminal
{
    /// <summary>What the screen showed (stdout and stderr merged), the exit code, and whether echo is on afterwards.</summary>
    public sealed record Session(int ExitCode, string Screen, bool EchoOnAfterwards);

    private const string Driver = """
        import base64, json, os, select, subprocess, sys, termios, time
        steps = json.loads(sys.stdin.read())
        master, slave = os.openpty()
        child = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        screen = b""
        def pump(wait):
            global screen
            ready, _, _ = select.select([master], [], [], wait)
            if not ready:
                return False
            try:
                data = os.read(master, 4096)
            except OSError:
                return False
            screen += data
            return len(data) > 0
        seen = 0
        for prompt, typed in steps:
            prompt = prompt.encode()
            deadline = time.monotonic() + 60
            while screen.find(prompt, seen) < 0:
                if child.poll() is not None or time.monotonic() > deadline:
                    break
                pump(0.2)
            at = screen.find(prompt, seen)
            if at < 0:
                break
            seen = at + len(prompt)
            os.write(master, base64.b64decode(typed))
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline:
            pump(0.2)
        if child.poll() is None:
            child.kill()
        while pump(0.2):
            pass
        echo = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
        print(json.dumps({"exit": child.wait(), "screen": base64.b64encode(screen).decode(), "echo": echo}))
        """;

    /// <summary>Runs hsmwallet with <paramref name="args"/>; each step waits for its prompt text, then types its keys.</summary>
    public static Session Run(IReadOnlyList<(string Prompt, string Typed)> steps, params string[] args)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { "-c", Driver, "dotnet", Path.Combine(AppContext.BaseDirectory, "hsmwallet.dll") }.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var script = new JsonArray([.. steps.Select(step => (JsonNode)new JsonArray(step.Prompt, Convert.ToBase64String(Encoding.UTF8.GetBytes(step.Typed))))]);
        process.StandardInput.Write(script.ToJsonString());
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hsmwallet {string.Join(' ', args)} did not finish on the pseudo-terminal");
        }

        Assert.True(process.ExitCode == 0, stderr.Result);
        var result = JsonNode.Parse(stdout.Result)!;
        var screen = Encoding.UTF8.GetString(Convert.FromBase64String((string)result["screen"]!));
        return new Session((int)result["exit"]!, screen, (bool)result["echo"]!);
    }
}
