using HsmWallet.Cli;

return CliApplication.Run(args, Console.OpenStandardInput, Console.Out, Console.Error);
