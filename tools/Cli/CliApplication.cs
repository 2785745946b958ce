using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using HsmWallet.Cli.Commands;
using HsmWallet.Cli.Output;

namespace HsmWallet.Cli;

/// <summary>Builds the command tree once, so the process entry point and in-process tests run the same parser.</summary>
internal static class CliApplication
{
    /// <summary>Runs one command line with explicit streams; returns 0 on success, 1 when refused or failed, 2 on bad usage.</summary>
    public static int Run(string[] args, Func<Stream> openInput, TextWriter output, TextWriter error, bool? inputIsTerminal = null)
    {
        // A spinner only where a person watches stderr: the process's own stderr, on a terminal.
        using var progress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new TerminalProgress(error) : null;
        var context = new CliContext(openInput, output, progress ?? error, inputIsTerminal ?? !Console.IsInputRedirected) { Progress = progress };
        var root = BuildRoot(context);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            var json = args.Contains(GlobalOptions.Json.Name, StringComparer.Ordinal);
            return CommandRunner.ReportUsageError(context, json, parseResult.Errors[0].Message);
        }

        return parseResult.Invoke(new InvocationConfiguration { Output = output, Error = context.Error });
    }

    /// <summary>The whole command tree (help, completion scripts and tests walk it).</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("hsmwallet: the operator's tool for HsmWallet, an XRP Ledger signer for AI agents.");
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }

        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction();
        }

        root.Subcommands.Add(OfflineCommands.Create(context));
        root.Subcommands.Add(TxCommands.Create(context));
        root.Subcommands.Add(InitCommand.Create(context));
        root.Subcommands.Add(SlotCommands.Create(context));
        root.Subcommands.Add(WalletCommands.Create(context));
        root.Subcommands.Add(TokenCommands.Create(context));
        root.Subcommands.Add(TpmCommands.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(PolicyCommands.Create(context));
        root.Subcommands.Add(ApproveCommands.Create(context));
        root.Subcommands.Add(ApproverCommands.Create(context));
        root.Subcommands.Add(AgentCommands.Create(context));
        root.Subcommands.Add(FreezeCommands.Freeze(context));
        root.Subcommands.Add(FreezeCommands.Unfreeze(context));
        root.Subcommands.Add(AuditCommands.Create(context));
        root.Subcommands.Add(StateCommands.Create(context));
        root.Subcommands.Add(CompletionCommand.Create(context, root));
        CommandExamples.AddTo(root);
        return root;
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
