using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Typed reads from a slot's parameter object for providers: a missing or malformed field is a damaged
/// vault (<see cref="VaultIntegrityException"/>), never a crash or a silent default.
/// </summary>
public static class SlotParameters
{
    /// <summary>Reads a base64 field, checking its decoded length when <paramref name="expectedLength"/> is given.</summary>
    public static byte[] GetBytes(JsonObject parameters, string name, int? expectedLength = null)
    {
        var text = GetString(parameters, name);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException exception)
        {
            throw new VaultIntegrityException($"slot parameter '{name}' is not base64", exception);
        }

        if (expectedLength is { } length && bytes.Length != length)
        {
            throw new VaultIntegrityException($"slot parameter '{name}' has the wrong length");
        }

        return bytes;
    }

    /// <summary>Reads a string field.</summary>
    public static string GetString(JsonObject parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        throw new VaultIntegrityException($"slot parameter '{name}' is missing or not a string");
    }

    /// <summary>Reads an optional string field.</summary>
    public static string? GetOptionalString(JsonObject parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters[name] is null ? null : GetString(parameters, name);
    }

    /// <summary>Reads an integer field and checks it lies within [minimum, maximum].</summary>
    public static int GetInt32(JsonObject parameters, string name, int minimum, int maximum)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number)
            && number >= minimum && number <= maximum)
        {
            return number;
        }

        throw new VaultIntegrityException($"slot parameter '{name}' is missing or outside {minimum}..{maximum}");
    }
}
