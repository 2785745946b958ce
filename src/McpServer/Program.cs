using HsmWallet.McpServer;

// Before anything reads a secret: no diagnostics port, not dumpable, secure buffers locked in memory.
if (ServerProcess.Protect() is { } failure)
{
    await Console.Error.WriteLineAsync($"hsmwallet-mcp: {failure}").ConfigureAwait(false);
    return 1;
}

return await ServerCommandLine.RunAsync(args).ConfigureAwait(false);
