using HsmWallet.Cli;

return CliApplication.Run(args, Console.In, Console.Out, Console.Error);
