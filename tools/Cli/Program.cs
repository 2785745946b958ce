using HsmWallet.Cli;
using HsmWallet.KeyProviders.Memory;

LibcMemoryLocker.Install();
return CliApplication.Run(args, Console.OpenStandardInput, Console.Out, Console.Error);
