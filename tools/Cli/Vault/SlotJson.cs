using System.Text.Json.Nodes;
using HsmWallet.Core.Vault;

namespace HsmWallet.Cli.Vault;

/// <summary>How a slot and a wallet look in the CLI's JSON, the same for every verb that prints them.</summary>
internal static class SlotJson
{
    private static readonly HashSet<string> CryptographicFields = new(StringComparer.Ordinal)
    {
        "salt", "iv", "commitment", "ciphertext", "tag", "ephemeralPublicKey", "sealedPrivate", "sealedPublic", "pinSalt",
    };

    /// <summary>A slot's public description: id, kind, hardware flag, time, and the descriptive parameters (no wrapped key).</summary>
    public static JsonObject Describe(SlotInfo slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var parameters = new JsonObject();
        foreach (var (name, value) in slot.Parameters)
        {
            if (!CryptographicFields.Contains(name) && value is JsonValue)
            {
                parameters[Output.JsonStyle.SnakeCase(name)] = value.DeepClone();
            }
        }

        return new JsonObject
        {
            ["id"] = slot.Id,
            ["kind"] = slot.Kind,
            ["hardware_backed"] = slot.IsHardwareBacked,
            ["created"] = Time(slot.Created),
            ["parameters"] = parameters,
        };
    }

    /// <summary>A wallet's public description (never its secret).</summary>
    public static JsonObject Describe(WalletInfo wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var json = new JsonObject
        {
            ["name"] = wallet.Name,
            ["address"] = wallet.Address,
            ["public_key"] = wallet.PublicKey,
            ["key_type"] = wallet.KeyType,
            ["network"] = wallet.Network,
            ["created"] = Time(wallet.Created),
        };
        if (wallet.Token is { } token)
        {
            // Where the key lives (never a secret): the token and the key object's label.
            json["on_token"] = new JsonObject { ["token"] = token.TokenLabel ?? token.TokenSerial, ["key_label"] = token.KeyLabel };
        }

        return json;
    }

    /// <summary>ISO 8601 UTC, the form every time in the CLI's JSON takes.</summary>
    public static string Time(DateTimeOffset time) => Output.JsonStyle.Time(time);
}
