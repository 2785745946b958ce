using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet policy show | set FILE`: the signing policy is changed only here, by the operator: the new file is
/// validated, the change is shown rule by rule, and its SHA-256 is recorded in the vault (one unlock), so a file
/// edited any other way is refused and every signature denied until the operator applies it again.
/// </summary>
internal static class PolicyCommands
{
    /// <summary>Builds `hsmwallet policy`.</summary>
    public static Command Create(CliContext context)
    {
        var policy = new Command("policy", "Show or set the signing policy (limits the agent cannot lift).");
        policy.Subcommands.Add(Show(context));
        policy.Subcommands.Add(Set(context));
        return policy;
    }

    private static Command Show(CliContext context)
    {
        var command = new Command("show", "Print the policy in force, its SHA-256 and whether it matches the hash the vault recorded.");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var access = VaultAccess.Open(context, parse);
            var path = access.Vault.Home.PolicyPath;
            var result = new JsonObject
            {
                ["path"] = path,
                ["source"] = File.Exists(path) ? "policy.json" : "built-in defaults",
            };

            // The policy is public: it is shown even when no unlock is possible (locked out, no secret given). Only
            // whether it is trusted needs the hash recorded inside the vault, so that part says why it is unknown.
            string? recorded;
            try
            {
                recorded = access.Vault.Read(access.Unlock(), RecordedHash);
            }
            catch (Exception error) when (error is LockedOutException || error is UnlockFailedException { Reason: UnlockFailureReason.NoSecret })
            {
                result["trusted"] = null;
                result["unverified"] = "not checked against the hash recorded in the vault: " + error.Message;
                Describe(result, PolicyFile.Load(path, Unverified(path)));
                return result;
            }

            var loaded = PolicyFile.Load(path, recorded);
            result["trusted"] = loaded.Problem is null;
            Describe(result, loaded);
            return result;
        }));
        return command;
    }

    private static void Describe(JsonObject result, PolicyFile loaded)
    {
        if (loaded.Document is { } document)
        {
            result["sha256"] = document.Sha256;
            result["policy"] = JsonNode.Parse(document.CanonicalJson);
        }
        else
        {
            result["problem"] = loaded.Problem;
        }
    }

    /// <summary>The file's own hash, so an unverified show parses and prints it (null: no file, the defaults).</summary>
    private static string? Unverified(string path)
    {
        try
        {
            return PolicyFileStore.ReadChecked(path, "policy.json") is { } text ? PolicyDocument.Parse(text).Sha256 : null;
        }
        catch (Core.InvalidInputException)
        {
            return null;
        }
    }

    private static Command Set(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The new policy JSON file (see docs/policy.md), or - for stdin." };
        var command = new Command("set", "Validate FILE, show what changes, and make it the policy in force (records its SHA-256 in the vault).") { file };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.PolicyChange, () =>
        {
            var document = PolicyDocument.Parse(InputDocuments.ReadText(context, parse.GetValue(file)!, "FILE"));
            var access = VaultAccess.Open(context, parse);
            var changes = access.Vault.Update(access.Unlock(), vault =>
            {
                var previous = PolicyFile.Load(access.Vault.Home.PolicyPath, RecordedHash(vault)).Document ?? PolicyDocument.Default;
                var described = document.DescribeChangesFrom(previous);
                PolicyFile.Save(access.Vault.Home.PolicyPath, document);
                vault.SetSetting(VaultSettingNames.PolicySha256, Encoding.ASCII.GetBytes(document.Sha256));
                return described;
            });
            if (!parse.GetValue(GlobalOptions.Json))
            {
                foreach (var change in changes)
                {
                    context.Error.WriteLine("  " + Core.VisibleText.Of(change));
                }
            }

            return new JsonObject
            {
                ["path"] = access.Vault.Home.PolicyPath,
                ["sha256"] = document.Sha256,
                ["changes"] = new JsonArray([.. changes.Select(change => (JsonNode)change)]),
            };
        }));
        return command;
    }

    private static string? RecordedHash(UnlockedVault vault) =>
        vault.HasSetting(VaultSettingNames.PolicySha256)
            ? vault.WithSetting(VaultSettingNames.PolicySha256, value => Encoding.ASCII.GetString(value))
            : null;
}
