using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// XChainBridge: locking-chain door and issue, then issuing-chain door and issue, each door with its
/// own one-byte length (20) as the ledger writes it.
/// </summary>
internal static class XChainBridgeCodec
{
    private const string Shape = "must be {LockingChainDoor, LockingChainIssue, IssuingChainDoor, IssuingChainIssue}";

    /// <summary>Writes the four parts in their fixed order.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        var bridge = JsonInput.Object(value, field.Name, Shape);
        if (bridge.Count != 4)
        {
            throw new InvalidInputException(field.Name, Shape);
        }

        WriteDoor(bridge, "LockingChainDoor", sink);
        IssueCodec.WriteIssue(JsonInput.Object(bridge["LockingChainIssue"], "LockingChainIssue", "must be an issue"), "LockingChainIssue", sink);
        WriteDoor(bridge, "IssuingChainDoor", sink);
        IssueCodec.WriteIssue(JsonInput.Object(bridge["IssuingChainIssue"], "IssuingChainIssue", "must be an issue"), "IssuingChainIssue", sink);
    }

    /// <summary>Reads the four parts.</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor)
    {
        var lockingDoor = ReadDoor(ref cursor, field.Name);
        var lockingIssue = IssueCodec.Read(ref cursor, field.Name);
        var issuingDoor = ReadDoor(ref cursor, field.Name);
        var issuingIssue = IssueCodec.Read(ref cursor, field.Name);
        return new JsonObject
        {
            ["LockingChainDoor"] = lockingDoor,
            ["LockingChainIssue"] = lockingIssue,
            ["IssuingChainDoor"] = issuingDoor,
            ["IssuingChainIssue"] = issuingIssue,
        };
    }

    private static void WriteDoor(JsonObject bridge, string name, ByteSink sink)
    {
        var account = AccountIdCodec.ParseWithoutTag(bridge[name], name);
        sink.WriteByte(AccountId.Length);
        sink.Write(account.Bytes);
    }

    private static string ReadDoor(ref BinaryCursor cursor, string field)
    {
        if (cursor.ReadByte(field) != AccountId.Length)
        {
            throw new InvalidInputException(field, "has a bridge door whose length is not 20");
        }

        return AddressCache.ToClassicAddress(cursor.Read(AccountId.Length, field));
    }
}
