using System.CommandLine;

namespace HsmWallet.Cli;

/// <summary>
/// One example per verb, shown by --help under "Example:", so an operator sees a working command line before the
/// option list. Every command that runs something has one (a test walks the tree).
/// </summary>
internal static class CommandExamples
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["offline derive"] = ["hsmwallet offline derive < seed.txt"],
        ["offline sign"] = ["hsmwallet offline sign --tx payment.json < seed.txt"],
        ["offline combine"] = ["hsmwallet offline combine share-a.json share-b.json"],
        ["tx decode"] = ["hsmwallet tx decode 1200002280000000..."],
        ["tx encode"] = ["hsmwallet tx encode payment.json"],
        ["tx sign"] = ["hsmwallet tx sign --wallet ops --tx payment.json --autofill"],
        ["tx submit"] = ["hsmwallet tx submit \"$BLOB\"            # waits for validation; --no-wait for the first answer"],
        ["init"] = ["hsmwallet init --unlocker password --recovery-key"],
        ["slot list"] = ["hsmwallet slot list"],
        ["slot add"] = ["hsmwallet slot add --unlocker tpm --pcrs 7 --pin-file pin"],
        ["slot remove"] = ["hsmwallet slot remove 2"],
        ["slot test"] = ["hsmwallet slot test 1"],
        ["wallet create"] = ["hsmwallet wallet create --name ops --key-type ed25519"],
        ["wallet import"] = ["hsmwallet wallet import --name cold < seed.txt"],
        ["wallet list"] = ["hsmwallet wallet list --json"],
        ["wallet delete"] = ["hsmwallet wallet delete --name old"],
        ["wallet limit"] = ["hsmwallet wallet limit --set 50"],
        ["wallet export"] = ["hsmwallet wallet export --name ops --out ops.backup"],
        ["wallet balance"] = ["hsmwallet wallet balance --wallet ops --network testnet"],
        ["token list"] = ["hsmwallet token list --module /usr/lib/softhsm/libsofthsm2.so"],
        ["token provision"] = ["hsmwallet token provision --module /usr/lib/softhsm/libsofthsm2.so --token-label hsmwallet --key-label vault-wrap --pin-file pin"],
        ["tpm status"] = ["hsmwallet tpm status"],
        ["tpm provision"] = ["hsmwallet tpm provision --tcti device:/dev/tpmrm0"],
        ["status"] = ["hsmwallet status --json"],
        ["policy show"] = ["hsmwallet policy show"],
        ["policy set"] = ["hsmwallet policy set policy.json"],
        ["policy check"] = ["hsmwallet policy check --wallet ops --tx payment.json"],
        ["approve"] = ["hsmwallet approve apv_0123456789abcdef          # shows the request, approves on a typed yes"],
        ["approve list"] = ["hsmwallet approve list"],
        ["approve deny"] = ["hsmwallet approve deny apv_0123456789abcdef"],
        ["approver add"] = ["hsmwallet approver add alice               # prints a local page; create the passkey there"],
        ["approver list"] = ["hsmwallet approver list --json"],
        ["agent add"] = ["hsmwallet agent add research --wallets ops      # prints the bearer token once", "hsmwallet agent add research --wallets ops --policy research-policy.json"],
        ["agent list"] = ["hsmwallet agent list --json"],
        ["agent revoke"] = ["hsmwallet agent revoke research"],
        ["agent policy"] = ["hsmwallet agent policy research research-policy.json   # its own section: only tightens the home's policy", "hsmwallet agent policy research --clear"],
        ["approver remove"] = ["hsmwallet approver remove alice"],
        ["approver mode"] = ["hsmwallet approver mode                    # the mode in force", "hsmwallet approver mode operator           # weaker than passkey, on purpose"],
        ["freeze"] = ["hsmwallet freeze --reason \"agent misbehaving\"   # stops every signature and export now"],
        ["unfreeze"] = ["hsmwallet unfreeze                      # an approver's passkey when one is enrolled, else a typed yes"],
        ["audit verify"] = ["hsmwallet audit verify"],
        ["audit show"] = ["hsmwallet audit show --last 50"],
        ["state reseal"] = ["hsmwallet state reseal"],
        ["state migrate"] = ["hsmwallet state migrate --state postgres://hsmwallet@db.internal:5432/hsmwallet --state-credential state.pw"],
        ["state import"] = ["hsmwallet state import --state postgres://hsmwallet@db.internal:5432/hsmwallet --state-credential state.pw"],
        ["completion"] = ["source <(hsmwallet completion bash)     # in ~/.bashrc; zsh: source <(hsmwallet completion zsh)"],
    };

    /// <summary>Appends each verb's example to its description, where --help prints it.</summary>
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var (path, command) in Walk(root, string.Empty))
        {
            if (Examples.TryGetValue(path, out var lines))
            {
                command.Description += Environment.NewLine + Environment.NewLine + "Example:" + Environment.NewLine
                    + string.Join(Environment.NewLine, lines.Select(line => "  " + line));
            }
        }
    }

    /// <summary>Every command under <paramref name="command"/> with its path ("wallet list").</summary>
    internal static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var child in command.Subcommands)
        {
            var childPath = path.Length == 0 ? child.Name : path + " " + child.Name;
            yield return (childPath, child);
            foreach (var nested in Walk(child, childPath))
            {
                yield return nested;
            }
        }
    }
}
