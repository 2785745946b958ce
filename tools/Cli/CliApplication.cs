using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace HsmWallet.Cli;

/// <summary>Builds the command tree once, so the process entry point and in-process tests run the same parser.</summary>
internal static class CliApplication
{
    /// <summary>Runs one command line with explicit streams, so tests need no global console state.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("hsmwallet: the operator's tool for HsmWallet, an XRP Ledger signer for AI agents.");
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction();
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        _ = input;
        return root.Parse(args).Invoke(configuration);
    }

    /// <summary>Prints this tool's own version, not the version of whatever process hosts it.</summary>
    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var version = typeof(CliApplication).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return 0;
        }
    }
}
