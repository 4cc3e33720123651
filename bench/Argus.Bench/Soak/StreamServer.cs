using System.Diagnostics;
using Argus.Testing;

namespace Argus.Bench.Soak;

/// <summary>
/// A network camera on loopback: Debian's ffmpeg serving vtest.avi, looped at its own pace, as an HTTP MJPEG stream
/// (<c>-f mpjpeg -listen 1</c>). ffmpeg serves one client and exits when it hangs up, so the server starts it again
/// while it runs; <see cref="StopAsync"/> kills it by its PID and serves nothing until <see cref="Start"/>.
/// </summary>
internal sealed class StreamServer(string video) : IAsyncDisposable
{
    private CancellationTokenSource? _stop;
    private Task _serving = Task.CompletedTask;

    public int Port { get; } = SiloProcess.FreePort();

    public string Url => $"http://127.0.0.1:{Port}/live.mjpg";

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _serving = ServeAsync(_stop.Token);
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _serving;
        _stop.Dispose();
        _stop = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task ServeAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var info = new ProcessStartInfo("ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", video, "-an", "-vf", "fps=5",
                "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1", Url,
            ])
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start.");
            ffmpeg.BeginErrorReadLine();
            ffmpeg.BeginOutputReadLine();
            try
            {
                await ffmpeg.WaitForExitAsync(stop);
                await Task.Delay(200, stop); // the client hung up: serve the next one
            }
            catch (OperationCanceledException)
            {
                ffmpeg.Kill();
                await ffmpeg.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
