using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HsmWallet.McpServer.Output;

/// <summary>
/// The JSON contracts of every type the server reads or writes itself (tool arguments and results, ids), generated at
/// build time: the native AOT binary has no reflection-based serializer, and nothing here may need one.
/// </summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(JsonValue))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(bool?))]
public sealed partial class ServerJsonContext : JsonSerializerContext;
