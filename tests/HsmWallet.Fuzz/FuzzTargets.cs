using System.Text;
using System.Text.Json;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Transactions;
using HsmWallet.McpServer.Pipeline;

namespace HsmWallet.Fuzz;

/// <summary>
/// The fuzz targets: each feeds one input to one parser and returns normally when the parser accepted it or refused
/// it with its documented exception. Any other exception (NullReference, IndexOutOfRange, Overflow, OutOfMemory under
/// the heap limit tools/fuzz.sh sets, a stack overflow) escapes and is a crash.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>The tools whose arguments the MCP target validates; the input's first byte picks one.</summary>
    private static readonly string[] Tools =
    [
        "wallet_list", "wallet_balance", "wallet_history", "tx_decode", "policy_check", "tx_status", "audit_verify",
        "server_status", "wallet_lines", "wallet_objects", "ledger_status", "wallet_fund", "wallet_create", "tx_sign",
        "tx_submit", "wallet_export", "wallet_delete",
    ];

    /// <summary>Every target by the name tools/fuzz.sh and the corpus folders use.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["codec"] = Codec,
        ["tx-json"] = TransactionJsonReader,
        ["vault"] = Vault,
        ["policy"] = Policy,
        ["audit-line"] = AuditLine,
        ["mcp-args"] = McpArguments,
    };

    /// <summary>The binary codec's decoder (tx_decode, tx_submit blobs, ledger answers): refusal is InvalidInputException.</summary>
    private static void Codec(byte[] input)
    {
        try
        {
            var json = XrplBinaryCodec.Decode(input);

            // What decodes must encode back to the same bytes: the signer signs the re-encoding.
            var again = XrplBinaryCodec.Encode(json);
            _ = XrplBinaryCodec.Decode(again);
        }
        catch (InvalidInputException)
        {
        }
    }

    /// <summary>The transaction JSON reader both front ends use (tx_sign, policy_check, the CLI's tx commands).</summary>
    private static void TransactionJsonReader(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        try
        {
            var transaction = TransactionJson.ParseObject(text, "tx");
            _ = XrplBinaryCodec.Encode(transaction);
        }
        catch (InvalidInputException)
        {
        }
    }

    /// <summary>The vault file parser: a damaged or altered vault.json is a VaultIntegrityException, nothing else.</summary>
    private static void Vault(byte[] input)
    {
        try
        {
            _ = VaultDocument.Parse(input);
        }
        catch (VaultIntegrityException)
        {
        }
    }

    /// <summary>The policy file parser (hsmwallet policy set, the server's start): refusal is InvalidInputException.</summary>
    private static void Policy(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        try
        {
            _ = PolicyDocument.Parse(text);
        }
        catch (InvalidInputException)
        {
        }
    }

    /// <summary>
    /// The audit line parsers: the verifier's forward-only chain-field reader (never throws, false when a field is
    /// missing) and the full entry reader of audit show/tail (InvalidInputException).
    /// </summary>
    private static void AuditLine(byte[] input)
    {
        _ = AuditLineFields.TryRead(input, out _);
        try
        {
            _ = AuditEntry.Parse(input);
        }
        catch (InvalidInputException)
        {
        }
    }

    /// <summary>
    /// The MCP tool-argument validator: the first byte picks the tool, the rest is the arguments object as the MCP SDK
    /// hands it over: decoded as UTF-8 text first (the stream transport reads text, so bytes that are not UTF-8 arrive
    /// as U+FFFD, as a real hsmwallet-mcp shows), then a JSON object; input that is not one never reaches the
    /// validator. Refusal is InvalidInputException.
    /// </summary>
    private static void McpArguments(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var tool = Tools[input[0] % Tools.Length];
        Dictionary<string, JsonElement> arguments;
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(input.AsSpan(1)));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            // A key that cannot be read as text never reaches the validator: the SDK could not read such a request, so
            // the server's transport refuses it naming "arguments" (BoundedLineStream), as this check does (found by fuzzing).
            JsonText.RefuseUndecodable(document.RootElement, "arguments");

            arguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }
        catch (JsonException)
        {
            return;
        }
        catch (InvalidInputException)
        {
            return;
        }

        try
        {
            _ = InputValidator.Validate(tool, arguments);
        }
        catch (InvalidInputException)
        {
        }
    }
}
