using HsmWallet.McpServer;

// Before anything reads a secret: no diagnostics port, not dumpable, secure buffers locked in memory.
if (ServerProcess.Protect() is { } failure)
{
    await Console.Error.WriteLineAsync($"hsmwallet-mcp: {failure}").ConfigureAwait(false);
    return 1;
}

if (ServerProcess.DiagnosticsRequested(Environment.GetEnvironmentVariable))
{
    await Console.Error.WriteLineAsync($"hsmwallet-mcp: the .NET diagnostics port is open ({ServerProcess.DiagnosticsVariable}=1); memory dumps still fail").ConfigureAwait(false);
}

return await ServerCommandLine.RunAsync(args).ConfigureAwait(false);
