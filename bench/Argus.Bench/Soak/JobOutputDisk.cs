using System.Diagnostics;
using System.Globalization;

namespace Argus.Bench.Soak;

/// <summary>
/// The batch jobs' output folder on a small tmpfs of its own, which the disk fault fills to the last byte and frees again.
/// Mounting needs root (and the right to mount, which a container may lack): without it the folder is a plain one and
/// <see cref="Unavailable"/> says why the fault is skipped.
/// </summary>
internal sealed class JobOutputDisk : IDisposable
{
    private const string Size = "256m";
    private readonly bool _mounted;

    public JobOutputDisk(string folder)
    {
        Folder = Directory.CreateDirectory(folder).FullName;
        if (!Environment.IsPrivilegedProcess)
        {
            Unavailable = "needs root (a tmpfs mounted for the job's output)";
            return;
        }

        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={Size}", "tmpfs", Folder);
        _mounted = code == 0;
        Unavailable = _mounted ? null : $"mount failed ({code}: {error.Trim()})";
    }

    public string Folder { get; }

    /// <summary>Why the disk cannot be filled here; null when it can.</summary>
    public string? Unavailable { get; }

    private string Filler => Path.Combine(Folder, "filler");

    /// <summary>Writes a file until the tmpfs has no byte left, and says how much it took.</summary>
    public string Fill()
    {
        var chunk = new byte[1 << 16];
        long written = 0;
        // Unbuffered, so that closing it has nothing left to flush onto the full disk.
        using (var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            try
            {
                while (true)
                {
                    file.Write(chunk);
                    written += chunk.Length;
                }
            }
            catch (IOException)
            {
                // ENOSPC: full to the last 64 KiB; the last pages next
            }

            try
            {
                file.Write(chunk.AsSpan(0, 4096));
            }
            catch (IOException)
            {
                // full
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"tmpfs of {Size} filled with a {written >> 20} MiB file");
    }

    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", Folder);
        }
    }

    private static (int Code, string Error) Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{command} did not start.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
