using System.Text;
using HsmWallet.Core.Policy;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>Inputs the policy fuzz target (tools/fuzz.sh policy) found crashing the parser, kept as they were found.</summary>
public sealed class PolicyFuzzFindingsTests
{
    // AFL++'s crash files, base64: a key given twice inside a rules object (max_fee) and inside a network object.
    private static readonly string[] Found =
    [
        "eyJuZXR3b3JrcyI6eyJjdSI6eyJkZWZhdWx0Ijp7ImJsb2NrZWRfbWVtb19wYXR0ZXJucyI6WyIoXnxbbS16XXwkKSJdLCJtYXhfZGFpbHlfdm9sdW1lIjp7IlhSUCI6IjEwMDAifSwibWF4X2ZlZSI6IjAuNSIsIm1heF9ob3VybHlfdm9sdW1lIjp7IlhSUCI6IjUwMCJ9LCJtYXhfbmV3X2Rlc3RpbmF0aW9uc19wZXJfZGF5Ijo1LCJtYXhfcGVyX3RyYW5zYWN0aW9uIjp7IlhSUCI6IjEwMCJ9LCJtYXhfdHJhbnNhY3Rpb25zX3Blcl9kYXkiOjIwMCwibWF4X3RyYW5zYWN0aW9uc19wZXJfaG91ciI6MzAsIm5ld19kZXN0aW5hdGlvbl9yZXF1aXJlc19hcHByb3ZhbCI6dHJ1ZSwidW5saXN0ZWRfYXNtYXhfZGFpbHlfdm9sdW1lIjp7IlhSUCI6IjEwMDAwMCJ9LCJtYXhfZmVlIjoiMiIsIm1heF9uZXdfZGVzdGluYXRpb25zX3Blcl9kYXkiOjEwMDAsIm1heF9wZXJfdHJhbnNhY3Rpb24iOnsiWFJQIjoiMTAwMDAifSwibWF4X3RyYW5zYWN0aW9uc19wZXJfZGF5Ijo1MDAwLCJtYXhfdHJhbnNhY3Rpb25zX3Blcl9ob3VyIjo2MDB9fSwibWFpbm5ldCI6eyJkZWZhdWx0Ijp7ImJsb2NrZWRfbWVtb19wYXR0ZXJucyI6WyIoLXpdKX0oW14tel18JCkiXSwibWF4X2RhaWx5X3ZvbHVtZSI6eyJYUlAiOiIxMDAwIn0sIm1heF9mZWUiOiIwLjUiLCJtYXhfaG91cmx5X3ZvbHVtZSI6eyJYUlAiOiI1MDAifSwibWF4X25ld19kZXN0aW5hdGlvbnNfcGVyX2RheSI6NSwibWF4X3Blcl90cmFuc2FjdGlvbiI6eyJYUlAiOiIxMDAifSwibWF4X3RyYW5zYWN0aW9uc19wZXJfZGF5IjoyMDAsIm1heF90cmFuc2FjdGlvbnNfcGVyX2hvdXIiOjMwLCJuZXdfZGVzdGluYXRpb25fcmVxdWlyZXNfYXBwcm92YWwiOnRydWUsInVubGlzdGVkX2Fzc2V0c19yZXF1aXJlX2FwcHJvdmFsIjp0cnVlfX0sInRlc3RuZXQiOnsiZGVmYXVsdCI6eyJtYXhfZGFpbHlfdm9sdW1lIjp7IlhSUCI6IjEwMDAwMCJ9LCJtYXhfZmVlIjoiMiIsIm1heF9uZXdfZGVzdGluYXRpb25zX3Blcl9kYXkiOjEwMDAsIm1heF9wZXJfdHJhbnNhY3Rpb24iOnsiWFJQIjoiMTAwMDAifSwibWF4X3RyYW5zYWN0aW9uc19wZXJfZGF5Ijo1MDAwLCJtYXhfdHJhbnNhY3Rpb25zX3Blcl9ob3VyIjo2MDB9fX0sInZlcnNpb24iOjF9",
        "eyJ2ZXJzaW9uIjoxLCJuZXR3b3JrcyI6eyJtYWlubmV0Ijp7ImRlZmF1bHQiOnsiYWxsb3dlZF90cmFuc2FjdGlvbl90eXBlcyI6WyJQYXltZW50IiwiVHJ1c3RTZXQiLCJPZmZlckNyZWF0ZSJdLAoiYnZvY2tlZF90cmFuc2FjdGlvbl90eXBlcyI6WyJBY2NvdW50RGVsZXRlIl0sIm1heF9wZXJfdHJhbnNhY3Rpb24iOnsiWFJQIjoiMTAwIiwiQFNEczk0cVdLRHY2am1EeTFwVXlrSnhGM3dxIjoiMjUwIn0sCiJtYXhfaG91cmx5X3ZvbHVtZSI6eyJYUlAiOiI1MDAifSwibWF4X2RhaWx5X3ZvbHVtZSI6eyJYUlAiOiIxMDBAIn0sIm1heF90cmFuc2FjdGlvbnNfcGVyX2hvdXIiOjMwLCJtYXhfdHJhbnNhY3Rpb25zX3Blcl9kYXkiOjIwMCwKIm1heF9uZXdfZGVzdGluYXRpb25zX3Blcl9kYXkiOjUsIm5ld19kZXN0aW5hdGlvbl9yZXF1aXJlc19hcHByb3ZhbCI6dHJ1ZSwidW5sbCI6dHJ1ZSwKImRlc3RpbmF0aW9uX2FsbG93bGlzdCI6W10sImRlc3RpbmF0aW9uX2Jsb2NrbGlzdCI6WyIwMHJycnJycnJycnJycnJycmgiXSwKIm1heF9mZWUiOiIwLjUiLCJibG9ja2VkX21yaW5nX3RhZyI6WyJyTEh6UHNYNm9Ya3pVMnFMMTJrSENIOEc4Y25adjFyQkpoIl0sCiJtYXhfZmVlIjoiMC41IiwiYmxvY2tlZF9tZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlbW9fcGF0dGVybnMiOlsic1stel17Mjh9Il0sImFjdGl2ZV9ob3Vyc191dGMiOnsic3RhcnQiOjgsImVuZCI6MjB9fSwKIndhbGxldHMiOnsiWWUiOnsibWFuIjp7IlhSUCI6IjVycjAifX19fX19",
        "eyJ2ZXJzaW9uIjoxLCJuZXR3b3JrcyI6eyJtYXMiOlsiUGF5U2V0IiwiT2ZlIl0sCiJibG9ja2VkX3RyaW9uIjp7IlhSUCI6IjEwMCIsIlVxIjoiRjUwIn0sCiJlIjp7IlhSUCI6IjUwMCJ9LCJtYW1lIjp7IlhSUCI6IiJ9LCJyIjozMCwibXBlcl9kYXkiOjIwMCwKIm1kYXkiOjUsImwiOnRydWUsInVubGlzdCI6NSwibCI6dHJ1ZSwidW5saXN0Ijp7ImRsdCI6eyJhbGlzdCI6W10sImRlc3N0IjpbInJyIl0sImFnIjpbInJMIl0sCiJibG9ZZSI6eyJtYW4iOnsiWFJQIjoiNTAwMCJ9fX19fX0=",
    ];

    public static TheoryData<int> FoundIndexes => [.. Enumerable.Range(0, Found.Length)];

    [Theory]
    [MemberData(nameof(FoundIndexes))]
    public void A_policy_file_found_by_fuzzing_is_refused_with_a_field_and_a_rule(int index)
    {
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(Found[index]));

        var error = Assert.Throws<InvalidInputException>(() => PolicyDocument.Parse(text));

        Assert.Equal("policy", error.Field);
        Assert.Contains("each key given once", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":1,"version":1,"networks":{"testnet":{"default":{}}}}""")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{}},"testnet":{"default":{}}}}""")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"max_fee":"1","max_fee":"900"}}}}""")]
    public void A_key_given_twice_anywhere_in_a_policy_is_refused_because_it_could_mean_either_value(string json)
    {
        var error = Assert.Throws<InvalidInputException>(() => PolicyDocument.Parse(json));

        Assert.Equal("policy", error.Field);
    }
}
