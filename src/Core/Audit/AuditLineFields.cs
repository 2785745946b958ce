using System.Text.Json;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The chain fields of one log line (sequence, previousHash, hash and where the hash property
/// sits), found with a forward-only reader so verification does not build a JSON tree per entry.
/// </summary>
internal readonly struct AuditLineFields
{
    private static ReadOnlySpan<byte> SequenceName => "sequence"u8;

    private static ReadOnlySpan<byte> PreviousHashName => "previousHash"u8;

    private static ReadOnlySpan<byte> HashName => "hash"u8;

    public long Sequence { get; init; }

    public Range PreviousHash { get; init; }

    public Range Hash { get; init; }

    public int HashPropertyStart { get; init; }

    public int HashPropertyEnd { get; init; }

    /// <summary>Finds the chain fields; false when the line is not a JSON object holding all of them.</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, out AuditLineFields fields)
    {
        fields = default;
        long sequence = 0;
        Range previousHash = default, hash = default;
        int hashStart = -1, hashEnd = -1;
        var found = 0;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var nameStart = (int)reader.TokenStartIndex;
                if (reader.ValueTextEquals(SequenceName))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out sequence))
                    {
                        return false;
                    }

                    found |= 1;
                }
                else if (reader.ValueTextEquals(PreviousHashName))
                {
                    reader.Read();
                    if (!TryPlainString(ref reader, out previousHash))
                    {
                        return false;
                    }

                    found |= 2;
                }
                else if (reader.ValueTextEquals(HashName))
                {
                    reader.Read();
                    if (!TryPlainString(ref reader, out hash))
                    {
                        return false;
                    }

                    hashStart = nameStart;
                    hashEnd = (int)reader.BytesConsumed;
                    if (hashEnd < line.Length && line[hashEnd] == (byte)',')
                    {
                        hashEnd++;
                    }

                    found |= 4;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Nothing but the object on the line.
            if (found != 7 || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        fields = new AuditLineFields
        {
            Sequence = sequence,
            PreviousHash = previousHash,
            Hash = hash,
            HashPropertyStart = hashStart,
            HashPropertyEnd = hashEnd,
        };
        return true;
    }

    private static bool TryPlainString(ref Utf8JsonReader reader, out Range range)
    {
        range = default;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex + 1; // After the opening quote.
        range = new Range(start, start + reader.ValueSpan.Length);
        return true;
    }
}
