using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.McpServer.Transport;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The transport refuses an over-long JSON-RPC message while reading it: never buffered whole, answered with an
/// error naming the limit, and the server goes on with the next message.
/// </summary>
public sealed class TransportLimitTests
{
    private const long HugeLineBytes = 200L * 1024 * 1024;

    /// <summary>An input made of a prefix, <c>length</c> generated filler bytes and a suffix, produced as it is read.</summary>
    private sealed class GeneratedInput(byte[] prefix, long fillerLength, byte filler, byte[] suffix) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + fillerLength + suffix.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count && _position < Length)
            {
                if (_position < prefix.Length)
                {
                    buffer[offset + written] = prefix[_position];
                }
                else if (_position < prefix.Length + fillerLength)
                {
                    var run = (int)Math.Min(count - written, prefix.Length + fillerLength - _position);
                    buffer.AsSpan(offset + written, run).Fill(filler);
                    written += run;
                    _position += run;
                    continue;
                }
                else
                {
                    buffer[offset + written] = suffix[_position - prefix.Length - fillerLength];
                }

                written++;
                _position++;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<(string Passed, List<(string? Id, long Bytes)> Refused)> ReadAllAsync(Stream source, int limit)
    {
        var refused = new List<(string?, long)>();
        using var bounded = new BoundedLineStream(source, limit);
        bounded.MessageTooLarge = (id, bytes, _) =>
        {
            refused.Add((id is { } raw ? Encoding.UTF8.GetString(raw.Span) : null, bytes));
            return Task.CompletedTask;
        };
        using var reader = new StreamReader(bounded, Encoding.UTF8);
        return (await reader.ReadToEndAsync(), refused);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_dropped_and_reported_with_its_id_while_the_lines_around_it_pass()
    {
        var prefix = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"jsonrpc\":\"2.0\",\"id\":\"call-7\",\"method\":\"tools/call\",\"params\":{\"x\":\"");
        var suffix = Encoding.UTF8.GetBytes("\"}}\n{\"b\":2}\n");

        var (passed, refused) = await ReadAllAsync(new GeneratedInput(prefix, 5 * 1024 * 1024, (byte)'A', suffix), 1024 * 1024);

        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", passed);
        var (id, bytes) = Assert.Single(refused);
        Assert.Equal("\"call-7\"", id);
        Assert.True(bytes > 5 * 1024 * 1024);
    }

    [Fact]
    public async Task A_line_exactly_at_the_limit_passes_whole_and_one_byte_more_is_refused()
    {
        const int Limit = 4096;
        var atLimit = "{\"id\":1,\"p\":\"" + new string('x', Limit - 15) + "\"}";
        var over = "{\"id\":2,\"p\":\"" + new string('x', Limit - 14) + "\"}";
        Assert.Equal(Limit, atLimit.Length);

        var (passed, refused) = await ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(atLimit + "\n" + over + "\n")), Limit);

        Assert.Equal(atLimit + "\n", passed);
        Assert.Equal("2", Assert.Single(refused).Id);
    }

    [Fact]
    public async Task A_last_line_without_a_newline_is_still_read()
    {
        var (passed, refused) = await ReadAllAsync(new MemoryStream("{\"a\":1}\n{\"b\":2}"u8.ToArray()), 4096);

        Assert.Equal("{\"a\":1}\n{\"b\":2}", passed);
        Assert.Empty(refused);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":42,\"params\":{\"x\":\"AAAA", "42")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"params\":{\"id\":9},\"id\":\"k\",\"x\":\"AAA", "\"k\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"params\":{\"x\":\"AAAA", null)]
    [InlineData("{\"id\":{\"nested\":1},\"x\":\"AAA", null)]
    [InlineData("AAAA not json", null)]
    [InlineData("[1,2,3", null)]
    public void The_id_of_a_refused_line_is_taken_from_its_first_bytes_only_when_it_is_there_whole(string start, string? id)
    {
        var found = BoundedLineStream.FindId(Encoding.UTF8.GetBytes(start));

        Assert.Equal(id, found is null ? null : Encoding.UTF8.GetString(found));
    }

    [Fact]
    public async Task A_200_MB_line_to_the_server_process_costs_no_memory_spike_is_answered_with_an_error_and_the_next_request_is_served()
    {
        var home = Directory.CreateTempSubdirectory("hsmwallet-mcp-transport-").FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"));
        foreach (var argument in new[] { "--home", home, "--network", "testnet" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("HSMWALLET_HOME");
        start.Environment.Remove("HSMWALLET_NETWORK");
        start.Environment.Remove("HSMWALLET_PASSWORD");
        using var process = Process.Start(start)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput;
            var stdin = process.StandardInput.BaseStream;

            async Task SendAsync(string line)
            {
                await stdin.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
                await stdin.FlushAsync();
            }

            async Task<JsonObject> AnswerAsync(int id)
            {
                while (true)
                {
                    var line = await stdout.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
                    Assert.NotNull(line);
                    var message = JsonNode.Parse(line)!.AsObject();
                    if (message["id"] is { } answered && answered.GetValue<int>() == id)
                    {
                        return message;
                    }
                }
            }

            await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"transport-test","version":"1"}}}""");
            await AnswerAsync(1);
            await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"server_status","arguments":{}}}""");
            await AnswerAsync(2);
            var before = PeakResidentBytes(process.Id);

            // The 200 MB line, written from one 1 MB buffer: the test never holds it either.
            await stdin.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"tx_decode\",\"arguments\":{\"tx_blob\":\""u8.ToArray());
            var filler = new byte[1024 * 1024];
            filler.AsSpan().Fill((byte)'A');
            for (long sent = 0; sent < HugeLineBytes; sent += filler.Length)
            {
                await stdin.WriteAsync(filler);
            }

            await stdin.WriteAsync("\"}}}\n"u8.ToArray());
            await stdin.FlushAsync();
            var refused = await AnswerAsync(3);
            await SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"server_status","arguments":{}}}""");
            var next = await AnswerAsync(4);
            var peak = PeakResidentBytes(process.Id);
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var errors = await stderr;

            Assert.Equal(-32600, refused["error"]!["code"]!.GetValue<int>());
            Assert.Contains("4194304 bytes", refused["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.NotNull(next["result"]);
            Assert.NotEqual(true, next["result"]!["isError"]?.GetValue<bool>());
            Assert.True(peak < 300L * 1024 * 1024 && before > 0, string.Create(CultureInfo.InvariantCulture, $"peak RSS {peak / (1024 * 1024)} MB (before the line: {before / (1024 * 1024)} MB)"));
            Assert.Contains("refused a JSON-RPC message longer than 4194304 bytes", errors, StringComparison.Ordinal);
            Assert.Equal(0, process.ExitCode);
            var key = File.ReadAllBytes(Path.Combine(home, "vault.key"));
            foreach (var form in new[] { Convert.ToHexString(key), Convert.ToHexStringLower(key), Convert.ToBase64String(key) })
            {
                Assert.DoesNotContain(form, errors, StringComparison.Ordinal);
                Assert.DoesNotContain(form, refused.ToJsonString() + next.ToJsonString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(home, recursive: true);
        }
    }

    private static long PeakResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                return kib * 1024;
            }
        }

        throw new InvalidOperationException("no VmHWM line");
    }
}
