using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>
/// Requests Kestrel refuses before the emulator's code runs (a request line it cannot parse, a target or headers over its
/// limits) still get the service's error shape: a <c>ModelErrorResponse</c> JSON body with the status, not an empty one.
/// Sent over a raw socket, byte for byte, as a broken or hostile client would.
/// </summary>
public sealed class ServerLevelErrorTests
{
    public static TheoryData<string, int> Requests => new()
    {
        { "GARBAGE\r\n\r\n", 400 },
        { "GET /images HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n", 400 },
        { "GET /images HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400 },
        { "GET /images HTTP/9.9\r\nHost: x\r\n\r\n", 505 },
        { $"GET /{new string('a', 20_000)} HTTP/1.1\r\nHost: x\r\n\r\n", 414 },
        { $"GET /images HTTP/1.1\r\nHost: x\r\nx-big: {new string('b', 40_000)}\r\n\r\n", 431 },
        { $"GET /images HTTP/1.1\r\nHost: x\r\n{string.Concat(Enumerable.Range(0, 120).Select(i => $"x-h{i}: v\r\n"))}\r\n", 431 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task KestrelRejection_HasTheServiceErrorShape(string raw, int status)
    {
        await using var h = await Harness.StartAsync();

        var (code, headers, body) = await SendRawAsync(h.Emulator.BaseAddress, raw);

        Assert.Equal(status, code);
        Assert.StartsWith("application/json", headers.GetValueOrDefault("content-type"), StringComparison.Ordinal);
        var error = JsonNode.Parse(body)!;
        Assert.Equal(status, error["statusCode"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["code"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.True(error.AsObject().ContainsKey("details") && error.AsObject().ContainsKey("correlation"), body);
    }

    [Fact]
    public async Task KestrelRejection_AfterAGoodRequestOnTheSameConnection_OnlyTheBadOneIsRewritten()
    {
        await using var h = await Harness.StartAsync();
        string path = h.Emulator.WorkspaceUri.AbsolutePath.TrimEnd('/') + "/images";
        string raw = $"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {h.Emulator.AccessToken}\r\n\r\nGARBAGE\r\n\r\n";

        string all = await ReadAllAsync(h.Emulator.BaseAddress, raw);

        int second = all.IndexOf("HTTP/1.1 400", StringComparison.Ordinal);
        Assert.True(all.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) && second > 0, all);
        Assert.Contains("\"value\":[]", all[..second], StringComparison.Ordinal);
        Assert.Contains("\"statusCode\":400", all[second..], StringComparison.Ordinal);
    }

    /// <summary>Sends the bytes and reads one response to the end of the connection (Kestrel closes it after a rejection).</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers, string Body)> SendRawAsync(Uri server, string raw)
    {
        string response = await ReadAllAsync(server, raw);
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"No complete response head: {response}");
        string[] head = response[..split].Split("\r\n");
        var headers = head.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return (int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, response[(split + 4)..]);
    }

    private static async Task<string> ReadAllAsync(Uri server, string raw)
    {
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a hang guard, not a speed limit
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, hang.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw), hang.Token);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, hang.Token);
        }
        catch (IOException)
        {
            // Kestrel may reset the connection after its answer when it did not read all that was sent.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
