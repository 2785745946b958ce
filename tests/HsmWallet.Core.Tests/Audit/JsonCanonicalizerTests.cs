using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public class JsonCanonicalizerTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(JsonNode.Parse(json)));

    [Fact]
    public void The_RFC_8785_sorting_example_orders_keys_by_UTF16_code_units()
    {
        // RFC 8785 section 3.2.3: "\u20ac" (euro), "\r", "\ufb33" (Hebrew), "1", "\ud83d\ude00" (emoji), "\u0080", "\u00f6".
        var input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

        var output = Canonical(input);

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            output);
    }

    [Fact]
    public void The_RFC_8785_main_example_canonicalizes_exactly()
    {
        // RFC 8785 section 3.2.2 input and its expected output.
        var input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50,\n              2e-3, 0.000000000000000000000000001],\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}";

        var output = Canonical(input);

        Assert.Equal(
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
            output);
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(-0.0, "0")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    [InlineData(9007199254740991.0, "9007199254740991")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(333333333.33333329, "333333333.3333333")]
    [InlineData(1.0e-6 * 1.5, "0.0000015")]
    [InlineData(12.5e25, "1.25e+26")]
    public void Numbers_take_the_ECMAScript_form(double value, string expected)
    {
        Assert.Equal(expected, JsonCanonicalizer.FormatNumber(value));
    }

    [Fact]
    public void Number_spellings_in_the_input_do_not_change_the_output()
    {
        Assert.Equal("[1e-7,0,100,1e+21]", Canonical("[1E-7, -0, 1.00e2, 1000000000000000000000]"));
    }

    [Fact]
    public void Control_characters_use_the_short_escapes_or_lowercase_u_escapes()
    {
        var text = "a\u0000b\u0001\b\t\n\f\r\u001f\u007f\"\\/é";
        var output = Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(JsonValue.Create(text)));

        Assert.Equal("\"a\\u0000b\\u0001\\b\\t\\n\\f\\r\\u001f\u007f\\\"\\\\/é\"", output);
    }

    [Fact]
    public void Values_built_in_code_canonicalize_like_parsed_ones()
    {
        var built = new JsonObject { ["b"] = 2L, ["a"] = new JsonArray(1.5, "x", true, null), ["c"] = new JsonObject() };

        Assert.Equal(Canonical("{ \"c\": {}, \"a\": [1.50, \"x\", true, null], \"b\": 2 }"), Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(built)));
        Assert.Equal("{\"a\":[1.5,\"x\",true,null],\"b\":2,\"c\":{}}", Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(built)));
    }

    [Fact]
    public void An_integer_a_double_cannot_hold_exactly_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() => JsonCanonicalizer.Serialize(JsonNode.Parse("[9007199254740993]")));
        Assert.Equal("number", error.Field);
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        Assert.Throws<InvalidInputException>(() => JsonCanonicalizer.Serialize(JsonValue.Create("\ud800x")));
    }
}
