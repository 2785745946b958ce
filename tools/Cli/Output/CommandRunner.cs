using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core;

namespace HsmWallet.Cli.Output;

/// <summary>
/// Runs a command body and turns its result or failure into output and an exit code, the same way
/// for every verb: bad input names the field and the rule, any other failure denies with a
/// correlation id, and no exception text (which could carry a secret) ever reaches the user.
/// </summary>
internal static class CommandRunner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Runs <paramref name="body"/> and prints its JSON result.</summary>
    public static int Execute(CliContext context, bool json, Func<JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            var result = body();
            context.Output.WriteLine(json ? result.ToJsonString() : result.ToJsonString(Indented));
            return ExitCodes.Success;
        }
        catch (InvalidInputException error)
        {
            return Report(context, json, ExitCodes.BadInput, "invalid_input", error.Message);
        }
        catch (CommandFailedException error)
        {
            return Report(context, json, ExitCodes.Failed, error.Code, error.Message);
        }
#pragma warning disable CA1031 // Every failure must deny with a correlation id, whatever its type.
        catch (Exception error)
#pragma warning restore CA1031
        {
            var correlationId = Guid.NewGuid().ToString("N");
            return Report(context, json, ExitCodes.Failed, "internal", $"internal error ({error.GetType().Name}); correlation id {correlationId}");
        }
    }

    /// <summary>Reports a command line that did not parse, as the same one line or JSON object as any bad input.</summary>
    public static int ReportUsageError(CliContext context, bool json, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Report(context, json, ExitCodes.BadInput, "invalid_input", $"usage: {message} (see --help)");
    }

    private static int Report(CliContext context, bool json, int exitCode, string code, string message)
    {
        if (json)
        {
            var body = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
            context.Output.WriteLine(body.ToJsonString());
        }

        context.Error.WriteLine($"hsmwallet: {message}");
        return exitCode;
    }
}
