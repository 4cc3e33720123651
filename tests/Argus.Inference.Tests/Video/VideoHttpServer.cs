using System.Net;
using Argus.Testing;

namespace Argus.Inference.Tests.Video;

/// <summary>
/// Serves one video file over HTTP on 127.0.0.1, whole to every GET, as a network camera's HTTP stream would be read.
/// It can be stopped, which aborts the responses under way, and started again on the same port.
/// </summary>
internal sealed class VideoHttpServer : IAsyncDisposable
{
    private readonly string _file;
    private HttpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _serving;
    private int _requests;

    public VideoHttpServer(string file)
    {
        _file = file;
        Start();
    }

    public int Port { get; } = SiloProcess.FreePort();

    public string Url => $"http://127.0.0.1:{Port}/{Path.GetFileName(_file)}";

    /// <summary>The requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _stop = new CancellationTokenSource();
        _serving = ServeAsync(_listener, _stop.Token);
    }

    /// <summary>Stops listening and aborts every response under way; returns once none is left.</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        _listener.Abort();
        await _serving!;
        _stop.Dispose();
        _listener = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task ServeAsync(HttpListener listener, CancellationToken stop)
    {
        var responses = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is HttpListenerException or ObjectDisposedException)
            {
                break;
            }

            Interlocked.Increment(ref _requests);
            responses.Add(RespondAsync(context, stop));
        }

        await Task.WhenAll(responses);
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken stop)
    {
        var response = context.Response;
        try
        {
            await using var video = File.OpenRead(_file);
            response.ContentType = "video/x-msvideo";
            response.ContentLength64 = video.Length;
            await video.CopyToAsync(response.OutputStream, stop);
            response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or IOException or ObjectDisposedException)
        {
            // Stopped, or the reader hung up: the connection is cut, not finished.
            response.Abort();
        }
    }
}
