using System.ComponentModel;
using System.Diagnostics;

namespace Argus.Inference.Video;

/// <summary>
/// One running ffmpeg: its stdout carries the frames, its stderr is drained and its last line kept for the log.
/// Disposing kills it with its whole process tree, by its PID, and waits until it has exited and been reaped, so no
/// ffmpeg outlives its reader and none is left a zombie.
/// </summary>
/// <remarks>
/// A plain <see cref="Process"/> rather than FFMpegCore: FFMpegCore hands piped output over through a named pipe (a
/// Unix socket under /tmp) instead of stdout, cancels by writing "q" to ffmpeg's stdin and kills only after a timeout,
/// without the whole tree and without exposing the process; an endless stream read until cancelled needs none of its
/// argument builders and all of this control.
/// </remarks>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    // ffmpeg's error lines are short; this bounds what one can put into a log line.
    private const int MaxErrorLength = 300;

    private readonly Process _process;
    private readonly Task<string?> _lastError;

    private FfmpegProcess(Process process)
    {
        _process = process;
        _lastError = LastLineAsync(process.StandardError);
    }

    /// <summary>The process id, for logs and for checking that it is gone.</summary>
    public int Id => _process.Id;

    /// <summary>ffmpeg's stdout.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Starts <paramref name="ffmpeg"/> with <paramref name="arguments"/>, each passed as is (no shell).</summary>
    /// <exception cref="InvalidOperationException">It could not be started.</exception>
    public static FfmpegProcess Start(string ffmpeg, IEnumerable<string> arguments)
    {
        // stdin is redirected too, and closed at once: ffmpeg never reads the host's terminal.
        var info = new ProcessStartInfo(ffmpeg, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"{ffmpeg} could not be started ({e.Message}); network video sources need Debian's ffmpeg (apt-get install ffmpeg).", e);
        }

        process.StandardInput.Close();
        return new FfmpegProcess(process);
    }

    /// <summary>Waits for ffmpeg to exit, once its output has ended, and says how it did: its exit code and last error line.</summary>
    public async Task<string> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var error = await _lastError.WaitAsync(cancellationToken).ConfigureAwait(false);
        var exit = $"ffmpeg {_process.Id} exited with code {_process.ExitCode}";
        return error is null ? exit : $"{exit}: {error}";
    }

    /// <summary>Kills ffmpeg and its children, if still running, and waits until it has exited.</summary>
    public async ValueTask DisposeAsync()
    {
        // Kill does nothing to a process known to have exited; the wait reaps it.
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _lastError.ConfigureAwait(false);
        _process.Dispose();
    }

    private static async Task<string?> LastLineAsync(StreamReader error)
    {
        string? last = null;
        while (await error.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                last = line.Trim();
            }
        }

        return last is { Length: > MaxErrorLength } ? last[..MaxErrorLength] + "…" : last;
    }
}
