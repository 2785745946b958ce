using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Cli.Commands;

/// <summary>Transaction verbs: binary and JSON forms of a transaction, and (as the vault lands) signing and submitting.</summary>
internal static class TxCommands
{
    /// <summary>Builds `hsmwallet tx`.</summary>
    public static Command Create(CliContext context)
    {
        var tx = new Command("tx", "Decode, encode, sign and submit transactions.");
        tx.Subcommands.Add(Decode(context));
        tx.Subcommands.Add(Encode(context));
        tx.Subcommands.Add(TxSignCommand.Create(context));
        tx.Subcommands.Add(TxSubmitCommand.Create(context));
        return tx;
    }

    private static Command Decode(CliContext context)
    {
        var blob = new Argument<string>("BLOB") { Description = "Hex transaction blob, or - for stdin (default).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("decode", "Print the JSON form of a binary transaction.") { blob };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
            XrplBinaryCodec.Decode(InputDocuments.ReadHex(context, parse.GetValue(blob), "BLOB"))));
        return command;
    }

    private static Command Encode(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Transaction JSON file, or - for stdin (default).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("encode", "Print the canonical binary form of a JSON transaction as tx_blob.") { file };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var transaction = InputDocuments.ReadJsonObject(context, parse.GetValue(file) ?? "-", "FILE");
            return new JsonObject { ["tx_blob"] = Convert.ToHexString(XrplBinaryCodec.Encode(transaction)) };
        }));
        return command;
    }
}
