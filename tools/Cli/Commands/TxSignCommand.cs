using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Ledger;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet tx sign`: signs with a wallet of the vault through the one signing path the MCP server uses too:
/// optional autofill from the ledger, the policy, the operator's confirmation where the policy asks for a human,
/// one unlock for the signature, the signing state and the audit entry before the blob is printed.
/// </summary>
internal static class TxSignCommand
{
    /// <summary>Builds `hsmwallet tx sign`.</summary>
    public static Command Create(CliContext context)
    {
        var wallet = new Option<string>("--wallet") { Description = "The wallet's name or address.", Required = true };
        var tx = new Option<string>("--tx") { Description = "The transaction JSON file, or - for stdin.", Required = true };
        var multisign = new Option<bool>("--multisign") { Description = "Sign as one member of a signer list." };
        var signerAccount = new Option<string>("--signer-account") { Description = "The account this key signs for as its regular key (rADDRESS)." };
        var autofill = new Option<bool>("--autofill") { Description = "Fill Fee, Sequence, LastLedgerSequence and NetworkID from the ledger (--network or --rpc-url)." };
        var approve = new Option<bool>("--approve")
        {
            Description = "The operator approves in advance what the policy would ask a human about (for scripts; on a terminal you are asked instead).",
        };
        var command = new Command("sign", "Sign a transaction with a vault wallet; prints tx_blob and hash.") { wallet, tx, multisign, signerAccount, autofill, approve };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var transaction = InputDocuments.ReadJsonObject(context, parse.GetValue(tx)!, "--tx");
            AccountId? signingFor = parse.GetValue(signerAccount) is { } text ? AccountId.ParseClassic(text, "--signer-account") : null;
            var settings = LedgerAccess.Settings(parse);
            var access = VaultAccess.Open(context, parse);
            using var secrets = new RememberingSecretSource(access.Secrets());
            var unlock = new Core.Vault.UnlockOptions(secrets, parse.GetValue(GlobalOptions.Slot));
            // The ledger is asked only for what the transaction needs: autofill, and the objects it references (an offer's
            // price, a channel's destination), so the human and the policy see what it moves even without --autofill.
            using var client = new LedgerClient(settings.Network);
            var signing = new TransactionSigningService(access.Vault, new WalletDirectory(access.Vault), settings.Network, access.Audit, client);
            var request = new SigningRequest(parse.GetValue(wallet)!, transaction, parse.GetValue(autofill), parse.GetValue(multisign), signingFor);
            var prepared = signing.PrepareAsync(request, unlock, CancellationToken.None).GetAwaiter().GetResult();
            var grant = prepared.Decision.Kind == PolicyDecisionKind.Approve
                ? OperatorApproval(context, parse.GetValue(approve), parse.GetValue(tx) == "-", prepared)
                : null;
            var operation = new OperationContext(Guid.NewGuid().ToString("N"), new AuditActor(AuditActorType.User, Environment.UserName), "hsmwallet tx sign");
            var result = signing.Sign(prepared, unlock, grant, operation);
            foreach (var warning in prepared.Warnings)
            {
                context.Error.WriteLine($"hsmwallet: warning: {warning}");
            }

            var output = result.Signer is { } signer
                ? new JsonObject { ["signer"] = signer.DeepClone(), ["tx_blob"] = result.TxBlob }
                : new JsonObject { ["tx_blob"] = result.TxBlob, ["hash"] = result.Hash };
            output["warnings"] = new JsonArray([.. prepared.Warnings.Select(warning => (JsonNode)warning)]);
            return output;
        }));
        return command;
    }

    /// <summary>
    /// The operator is the human the policy asks for: --approve says yes in advance; on a terminal the summary is
    /// shown and a typed "yes" approves; otherwise there is no approval and signing refuses.
    /// </summary>
    private static ApprovalGrant? OperatorApproval(CliContext context, bool approvedInAdvance, bool stdinHeldTheTransaction, PreparedSigning prepared)
    {
        if (approvedInAdvance)
        {
            return new ApprovalGrant(prepared.ApprovalBinding, "operator");
        }

        if (!context.InputIsTerminal || stdinHeldTheTransaction)
        {
            return null;
        }

        context.Error.Write(prepared.Summary.ToText());
        context.Error.Write("The policy asks a human to approve this. Type yes to sign: ");
        using var reader = new StreamReader(context.OpenInput(), Encoding.UTF8, leaveOpen: true);
        return string.Equals(reader.ReadLine()?.Trim(), "yes", StringComparison.Ordinal)
            ? new ApprovalGrant(prepared.ApprovalBinding, "operator")
            : throw new CommandFailedException("approval_declined", "not approved: nothing was signed");
    }
}
