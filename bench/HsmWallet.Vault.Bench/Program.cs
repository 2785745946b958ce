using BenchmarkDotNet.Running;
using HsmWallet.Vault.Bench;

// `ratio [MEMORY_KIB ITERATIONS PARALLELISM [RUNS]]`: quick medians against the reference tool (the script
// bench/argon2-vs-reference.sh runs this); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "ratio")
{
    return RatioReport.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(RatioReport).Assembly).Run(args);
return 0;
