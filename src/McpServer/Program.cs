using HsmWallet.McpServer;

return await ServerCommandLine.RunAsync(args).ConfigureAwait(false);
