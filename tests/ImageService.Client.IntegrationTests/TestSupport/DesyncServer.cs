using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>
/// A loopback HTTP/1.1 socket server with keep-alive connections that answers every request for the resource its path
/// names, except that on its first connection it writes one response nobody asked for: when the second request
/// arrives it sends the first answer again, and from then on each request on that connection gets the answer of the
/// one before it (the real answer is held until the next request comes), as behind a proxy that once sent one
/// response too many. A socket server, not Kestrel: no real server framework would write that extra response.
/// </summary>
internal sealed class DesyncServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _accepted;

    private DesyncServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>How many connections the client opened.</summary>
    public int Connections => Volatile.Read(ref _accepted);

    /// <summary>Every request as <c>connection: METHOD path</c>, in arrival order.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    public static DesyncServer Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    /// <summary>The service's answer to <paramref name="method"/> <paramref name="path"/>: the resource the path names.</summary>
    private static string Answer(string method, string path)
    {
        string[] segments = path.Split('?')[0].Trim('/').Split('/');
        string last = Uri.UnescapeDataString(segments[^1]);
        string body = segments[^2] switch
        {
            _ when method == "DELETE" => string.Empty,
            "operations" => $$"""{"id":"{{last}}","state":"Running"}""",
            "profiles" => $$"""{"name":"{{last}}","imageId":"{{Uri.UnescapeDataString(segments[^3])}}","state":"Succeeded"}""",
            _ => $$$"""{"id":"{{{last}}}","name":"{{{last.Split(':')[0]}}}","imageFlavor":"WebApiContainer","kvTags":{}}""",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            int connection = Interlocked.Increment(ref _accepted);
            lock (_connections)
            {
                _connections.Add(ServeAsync(client, connection));
            }
        }
    }

    private async Task ServeAsync(TcpClient client, int connection)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            string? previous = null;
            try
            {
                for (int request = 1; ; request++)
                {
                    string? requestLine = await reader.ReadLineAsync(_stopping.Token);
                    if (string.IsNullOrEmpty(requestLine))
                    {
                        return; // the client closed the connection
                    }

                    int contentLength = 0;
                    for (string? header = await reader.ReadLineAsync(_stopping.Token); !string.IsNullOrEmpty(header); header = await reader.ReadLineAsync(_stopping.Token))
                    {
                        if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            contentLength = int.Parse(header["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }

                    if (contentLength > 0) // a read of nothing would still wait for the next bytes
                    {
                        await reader.ReadBlockAsync(new char[contentLength], _stopping.Token); // JSON patches are ASCII here
                    }

                    string[] parts = requestLine.Split(' ');
                    _log.Enqueue($"{connection}: {parts[0]} {parts[1]}");
                    string answer = Answer(parts[0], parts[1]);

                    // The first connection answers its first request, then each request with the previous answer.
                    string sent = connection == 1 && request > 1 ? previous! : answer;
                    previous = answer;
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(sent), _stopping.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The test ended, or the client closed the connection.
            }
        }
    }
}
