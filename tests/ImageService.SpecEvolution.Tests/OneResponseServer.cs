using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>A scripted HTTP/1.1 server on 127.0.0.1, port 0: answers one request with a fixed JSON body and records its request line.</summary>
internal sealed class OneResponseServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task<string> _requestLine;

    public OneResponseServer(string json)
    {
        _listener.Start();
        _requestLine = ServeOneAsync(json);
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The request line the client sent ("GET /path?query HTTP/1.1").</summary>
    public Task<string> RequestLine => _requestLine;

    public void Dispose() => _listener.Stop();

    private async Task<string> ServeOneAsync(string json)
    {
        using TcpClient client = await _listener.AcceptTcpClientAsync();
        using NetworkStream stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        byte[] body = Encoding.UTF8.GetBytes(json);
        byte[] response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(response);
        await stream.WriteAsync(body);
        return head.ToString().Split("\r\n")[0];
    }
}
