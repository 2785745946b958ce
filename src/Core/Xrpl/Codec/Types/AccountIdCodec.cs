using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>AccountID: 20 bytes, written in JSON as a classic address (an X-address is accepted in).</summary>
internal static class AccountIdCodec
{
    private const string Rule = "must be an XRPL address (r... or X...)";

    /// <summary>Reads an address, returning the X-address tag (if any) for the caller to place.</summary>
    public static AccountId Parse(JsonNode value, string field, out uint? tag) =>
        AddressCache.Parse(JsonInput.String(value, field, Rule), field, out tag);

    /// <summary>Reads an address where a tag would have nowhere to go, so a tagged X-address is refused.</summary>
    public static AccountId ParseWithoutTag(JsonNode? value, string field)
    {
        var account = AddressCache.Parse(JsonInput.String(value, field, Rule), field, out var tag);
        if (tag is not null)
        {
            throw new InvalidInputException(field, "must not be an X-address with a tag here (only Account and Destination carry tags)");
        }

        return account;
    }

    /// <summary>Reads 20 bytes as a classic address.</summary>
    public static JsonNode Read(ref BinaryCursor cursor, string field) =>
        JsonValue.Create(AddressCache.ToClassicAddress(cursor.Read(AccountId.Length, field)));
}
