using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.KeyProviders.Pkcs11;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// The PKCS#11 verbs: list the tokens a module offers and make the wrapping key a vault slot will name,
/// with PINs read from owner-only files into zeroing buffers, never from the command line.
/// </summary>
internal static class TokenCommands
{
    /// <summary>Builds `hsmwallet token`.</summary>
    public static Command Create(CliContext context)
    {
        var token = new Command("token", "List PKCS#11 tokens and provision the key that wraps the vault key.");
        token.Subcommands.Add(List(context));
        token.Subcommands.Add(Provision(context));
        return token;
    }

    private static Option<string> ModuleOption() => new("--module")
    {
        Description = "Path of the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so, libykcs11.so).",
        Required = true,
    };

    private static Command List(CliContext context)
    {
        var module = ModuleOption();
        var command = new Command("list", "List the tokens a PKCS#11 module offers, with their PIN flags.") { module };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () => TokenOperation(() =>
        {
            var tokens = Pkcs11Provisioner.ListTokens(RequireModule(parse.GetValue(module)));
            var list = new JsonArray();
            foreach (var description in tokens)
            {
                list.Add((JsonNode)new JsonObject
                {
                    ["label"] = description.Label,
                    ["serial"] = description.SerialNumber,
                    ["manufacturer"] = description.Manufacturer,
                    ["model"] = description.Model,
                    ["initialized"] = description.Initialized,
                    ["user_pin_initialized"] = description.UserPinInitialized,
                    ["login_required"] = description.LoginRequired,
                    ["protected_authentication_path"] = description.ProtectedAuthenticationPath,
                    ["pin"] = PinFlags(description.PinStatus),
                });
            }

            return new JsonObject { ["tokens"] = list };
        })));
        return command;
    }

    private static Command Provision(CliContext context)
    {
        var module = ModuleOption();
        var tokenLabel = new Option<string>("--token-label") { Description = "Label of the token to use (or to give it with --init-token).", Required = true };
        var keyLabel = new Option<string>("--key-label") { Description = "Label of the key to generate on the token.", Required = true };
        var mode = new Option<string>("--mode") { Description = "aes-gcm (default; the key never leaves the token), ecies or rsa-oaep (for PIV tokens)." };
        var pinFile = new Option<string>("--pin-file") { Description = "A 0600 or 0400 file holding the user PIN.", Required = true };
        var initToken = new Option<bool>("--init-token") { Description = "Initialise the token first (erases it), setting the security officer PIN and the user PIN." };
        var securityOfficerPinFile = new Option<string>("--so-pin-file") { Description = "A 0600 or 0400 file holding the security officer PIN; needed with --init-token." };
        var command = new Command("provision", "Generate the key that will wrap the vault key on a PKCS#11 token.")
        {
            module, tokenLabel, keyLabel, mode, pinFile, initToken, securityOfficerPinFile,
        };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () => TokenOperation(() =>
        {
            var modulePath = RequireModule(parse.GetValue(module));
            var wrapMode = Pkcs11WrapModeNames.Parse(parse.GetValue(mode) ?? "aes-gcm");
            var label = RequireText(parse.GetValue(tokenLabel), "token-label");
            var key = RequireText(parse.GetValue(keyLabel), "key-label");
            if (wrapMode != Pkcs11WrapMode.AesGcm && modulePath.Contains("ykcs11", StringComparison.OrdinalIgnoreCase))
            {
                // A PIV applet cannot generate keys through PKCS#11 here: the operator uses the vendor tool once.
                return new JsonObject
                {
                    ["provisioned"] = false,
                    ["mode"] = wrapMode.ToName(),
                    ["instructions"] = PivEnrolmentInstructions.ForSlot9d(wrapMode),
                };
            }

            using var pin = ReadPinFile(parse.GetValue(pinFile), "pin-file");
            string? serial = null;
            if (parse.GetValue(initToken))
            {
                var securityOfficerPath = parse.GetValue(securityOfficerPinFile)
                    ?? throw new InvalidInputException("so-pin-file", "is required with --init-token");
                using var securityOfficerPin = ReadPinFile(securityOfficerPath, "so-pin-file");
                serial = Pkcs11Provisioner.InitializeToken(modulePath, label, securityOfficerPin.ReadOnlySpan, pin.ReadOnlySpan);
            }

            var configuration = new Pkcs11SlotConfiguration(modulePath, label, null, key, null, wrapMode);
            var result = Pkcs11Provisioner.GenerateKey(configuration, pin.ReadOnlySpan);

            return new JsonObject
            {
                ["provisioned"] = true,
                ["token_label"] = label,
                ["token_serial"] = serial,
                ["key_label"] = key,
                ["mode"] = wrapMode.ToName(),
                ["slot"] = JsonStyle.SnakeCaseNames(result.Configuration.ToJson()),
                ["public_key_pem"] = result.PublicKeyPem,
            };
        })));
        return command;
    }

    /// <summary>Token failures carry no secret and tell the operator what to fix, so their message is shown.</summary>
    private static JsonNode TokenOperation(Func<JsonNode> operation)
    {
        try
        {
            return operation();
        }
        catch (Pkcs11UnlockException error)
        {
            throw new CommandFailedException("token_" + error.Failure.ToString().ToLowerInvariant(), error.Message);
        }
    }

    private static JsonObject PinFlags(Pkcs11PinStatus status) => new()
    {
        ["count_low"] = status.CountLow,
        ["final_try"] = status.FinalTry,
        ["locked"] = status.Locked,
    };

    private static string RequireModule(string? path) =>
        string.IsNullOrWhiteSpace(path) ? throw new InvalidInputException("module", "is required") : path;

    private static string RequireText(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidInputException(field, "is required") : value;

    /// <summary>Reads a PIN file (owner-only, 0600 or 0400) into a zeroing buffer, dropping one trailing newline.</summary>
    private static SecureBuffer ReadPinFile(string? path, string field)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidInputException(field, "is required");
        }

        SecureBuffer pin;
        try
        {
            pin = ProtectedFile.ReadSecret(path);
        }
        catch (UnsafeFilePermissionsException error)
        {
            throw new InvalidInputException(field, $"must be a 0600 or 0400 file owned by you ({error.Fix})", error);
        }
        catch (IOException error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException(field, "does not exist", error);
        }

        SecretText.StripOneTrailingNewline(pin);
        if (pin.Length == 0)
        {
            pin.Dispose();
            throw new InvalidInputException(field, "is empty");
        }

        return pin;
    }
}
