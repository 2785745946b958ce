using BenchmarkDotNet.Running;
using HsmWallet.Bench;

// `sign-loop SECONDS`, `kdf COUNT` and `token-roundtrip ...` print quick figures for bench/peer-compare.sh; anything else goes
// to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "sign-loop" => SideBySide.SignLoop(args[1..]),
    "token-roundtrip" => SideBySide.TokenRoundTrip(args[1..]),
    "kdf" => SideBySide.Kdf(args[1..]),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(SideBySide).Assembly).Run(args);
    return 0;
}
