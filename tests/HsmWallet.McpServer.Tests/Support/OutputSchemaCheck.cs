using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>
/// Checks a tool result against the outputSchema its server published: structuredContent present, equal to the text
/// content, and valid under the schema (type, properties, required, additionalProperties false, items, anyOf, enum).
/// Every call made through <see cref="TestServer"/> goes through it.
/// </summary>
public static class OutputSchemaCheck
{
    /// <summary>Fails the test when <paramref name="result"/> does not match <paramref name="schema"/> or its text.</summary>
    public static void Assert(string tool, JsonElement? schema, CallToolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Xunit.Assert.True(schema is not null, $"{tool} declares no outputSchema (add it to ToolOutputSchemas)");
        Xunit.Assert.True(result.StructuredContent is not null, $"{tool} returned no structuredContent");
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        var structured = JsonNode.Parse(result.StructuredContent!.Value.GetRawText());
        Xunit.Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), structured), $"{tool}: the text content and structuredContent differ");
        var errors = Validate(JsonNode.Parse(schema!.Value.GetRawText())!, structured, "$");
        Xunit.Assert.True(errors.Count == 0, $"{tool}: structuredContent does not match its outputSchema: {string.Join("; ", errors)} in {structured?.ToJsonString()}");
        if (result.IsError != true)
        {
            // A success must match the success branch, not only the error body.
            var success = JsonNode.Parse(schema.Value.GetRawText())!["anyOf"]![0]!;
            var successErrors = Validate(success, structured, "$");
            Xunit.Assert.True(successErrors.Count == 0, $"{tool}: success does not match its success schema: {string.Join("; ", successErrors)}");
        }
    }

    /// <summary>Every way <paramref name="value"/> breaks <paramref name="schema"/>, with the JSON path.</summary>
    public static List<string> Validate(JsonNode schema, JsonNode? value, string path)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new List<string>();
        if (schema is not JsonObject rules)
        {
            return errors;
        }

        if (rules["type"] is JsonNode type)
        {
            var allowed = type is JsonArray many ? many.Select(item => item!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!allowed.Contains(TypeOf(value)) && !(TypeOf(value) == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{path}: is {TypeOf(value)}, wanted {string.Join("|", allowed)}");
                return errors;
            }
        }

        if (rules["enum"] is JsonArray choices && !choices.Any(choice => JsonNode.DeepEquals(choice, value)))
        {
            errors.Add($"{path}: is not one of {choices.ToJsonString()}");
        }

        if (rules["anyOf"] is JsonArray options && !options.Any(option => Validate(option!, value, path).Count == 0))
        {
            errors.Add($"{path}: matches none of anyOf ({string.Join(" / ", options.Select(option => string.Join(", ", Validate(option!, value, path))))})");
        }

        if (value is JsonObject obj)
        {
            var properties = rules["properties"] as JsonObject;
            foreach (var required in rules["required"] as JsonArray ?? [])
            {
                if (!obj.ContainsKey(required!.GetValue<string>()))
                {
                    errors.Add($"{path}: lacks required {required}");
                }
            }

            foreach (var (name, child) in obj)
            {
                if (properties?[name] is JsonNode property)
                {
                    errors.AddRange(Validate(property, child, $"{path}.{name}"));
                }
                else if (rules["additionalProperties"]?.GetValueKind() == JsonValueKind.False)
                {
                    errors.Add($"{path}: has undeclared property {name}");
                }
            }
        }

        if (value is JsonArray array && rules["items"] is JsonNode items)
        {
            for (var index = 0; index < array.Count; index++)
            {
                errors.AddRange(Validate(items, array[index], $"{path}[{index}]"));
            }
        }

        return errors;
    }

    private static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => value.ToJsonString().Contains('.', StringComparison.Ordinal) || value.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase) ? "number" : "integer",
            _ => "null",
        },
    };
}
