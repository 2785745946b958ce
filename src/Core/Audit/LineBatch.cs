using System.Buffers;
using System.Collections.Concurrent;

namespace HsmWallet.Core.Audit;

/// <summary>
/// A block of consecutive log lines copied out of the stream with their chain fields, so their
/// MACs can be verified in parallel while the links between them were checked in order.
/// </summary>
internal sealed class LineBatch : IDisposable
{
    public const int Capacity = 4096;

    private readonly int[] starts = new int[Capacity + 1];
    private readonly AuditLineFields[] fields = new AuditLineFields[Capacity];
    private readonly byte[] firstPreviousHash = new byte[64];
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(4 * 1024 * 1024);

    public int Count { get; private set; }

    public void Clear(ReadOnlySpan<byte> previousHash)
    {
        Count = 0;
        starts[0] = 0;
        previousHash.CopyTo(firstPreviousHash);
    }

    /// <summary>Copies a line in and reads its chain fields; returns its index in the batch.</summary>
    public int Add(ReadOnlySpan<byte> line, out AuditLineFields lineFields, out bool parsed)
    {
        var start = starts[Count];
        if (start + line.Length > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, start + line.Length));
            buffer.AsSpan(0, start).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        line.CopyTo(buffer.AsSpan(start));
        parsed = AuditLineFields.TryRead(line, out lineFields);
        fields[Count] = lineFields;
        starts[Count + 1] = start + line.Length;
        return Count++;
    }

    public ReadOnlySpan<byte> Line(int index) => buffer.AsSpan(starts[index], starts[index + 1] - starts[index]);

    /// <summary>The previousHash line index must carry: the hash of the line before it, or the batch's starting hash.</summary>
    public ReadOnlySpan<byte> PreviousHashOf(int index) =>
        index == 0 ? firstPreviousHash : Line(index - 1)[fields[index - 1].Hash];

    /// <summary>The index of the first of the first count lines whose MAC fails, or null when all verify.</summary>
    public int? FirstInauthentic(int count, AuditKey key)
    {
        if (count == 0)
        {
            return null;
        }

        var first = int.MaxValue;
        Parallel.ForEach(
            Partitioner.Create(0, count, 256),
            key.CreateHmac,
            (range, state, hmac) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    if (!key.VerifyLine(Line(i), fields[i], hmac))
                    {
                        InterlockedMin(ref first, i);
                        break;
                    }
                }

                return hmac;
            },
            hmac => hmac.Dispose());
        return first == int.MaxValue ? null : first;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    private static void InterlockedMin(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
