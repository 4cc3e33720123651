using System.Net;

namespace Argus.Testing;

/// <summary>
/// An HTTP listener on a free loopback port that hands each request, one at a time, to a handler until it is disposed:
/// the receiving end of what a silo sends out (webhook posts, OTLP exports).
/// </summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <param name="path">The path it listens under, starting and ending with '/'.</param>
    /// <param name="handle">Answers one request; the listener closes the response after it.</param>
    public LoopbackListener(string path, Func<HttpListenerContext, Task> handle)
    {
        Url = new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}{path}");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(() => LoopAsync(handle));
    }

    /// <summary>Where it listens.</summary>
    public Uri Url { get; }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the listener was closed under a pending accept
        }
    }

    private async Task LoopAsync(Func<HttpListenerContext, Task> handle)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            await handle(context);
            context.Response.Close();
        }
    }
}
