using System.Diagnostics;

namespace Argus.Testing;

/// <summary>
/// An object store emulator (npm's <c>s3rver</c> or <c>azurite</c>, installed in <c>.cache/objectstores</c> by
/// scripts/install-deps.sh --test-data) run by Node on a free loopback port, with its data in a temporary folder; stopped
/// by its PID when disposed. The tests seed and read its buckets or containers through the same SDKs the silos use.
/// </summary>
public abstract class ObjectStoreServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private protected ObjectStoreServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its data folder.</summary>
    public string Directory { get; }

    /// <summary>What it logged so far (errors included).</summary>
    public string Log => _log.ToString();

    /// <summary>The location a job spec names for <paramref name="prefix"/> in <paramref name="container"/>: <c>s3://…</c> or <c>az://…</c>.</summary>
    public abstract string Location(string container, string prefix);

    /// <summary>The silo settings (environment form, <c>Argus__ObjectStores__…</c>) that reach it with its credentials.</summary>
    public abstract IReadOnlyDictionary<string, string> SiloSettings { get; }

    /// <summary>Makes a bucket or container.</summary>
    public abstract Task CreateContainerAsync(string container);

    /// <summary>Writes object <paramref name="key"/>.</summary>
    public abstract Task PutAsync(string container, string key, byte[] bytes);

    /// <summary>The keys under <paramref name="prefix"/>, sorted.</summary>
    public abstract Task<IReadOnlyList<string>> ListAsync(string container, string prefix);

    /// <summary>The bytes of object <paramref name="key"/>.</summary>
    public abstract Task<byte[]> GetAsync(string container, string key);

    /// <summary>Uploads <paramref name="files"/> as <c>{prefix}/{name relative to <paramref name="root"/>}</c>, a few at once; returns their locations.</summary>
    public async Task<IReadOnlyList<string>> UploadAsync(string container, string prefix, string root, IEnumerable<string> files)
    {
        var keys = files.Select(f => (File: f, Key: $"{prefix}/{Path.GetRelativePath(root, f).Replace('\\', '/')}")).ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, _) => await PutAsync(container, k.Key, await File.ReadAllBytesAsync(k.File)));
        return [.. keys.Select(k => Location(container, k.Key))];
    }

    /// <summary>
    /// Starts the Node script <paramref name="bin"/> of the emulators' install with <paramref name="arguments"/> (and
    /// <paramref name="nodeOptions"/> before the script) and waits until its port listens.
    /// </summary>
    private protected static async Task<T> StartAsync<T>(
        string bin, Func<int, string, IEnumerable<string>> arguments, Func<Process, int, string, T> create, params string[] nodeOptions)
        where T : ObjectStoreServer
    {
        var modules = Path.Combine(TestData.RepoRoot, ".cache", "objectstores", "node_modules");
        var script = Path.Combine(modules, ".bin", bin);
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{bin} is missing from {modules}: run scripts/install-deps.sh --test-data.");
        }

        var port = SiloProcess.FreePort();
        var directory = System.IO.Directory.CreateTempSubdirectory($"argus-{bin}-").FullName;
        var info = new ProcessStartInfo("node", [.. nodeOptions, script, .. arguments(port, directory)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{bin} did not start.");
        var server = create(process, port, directory);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Node starts an emulator in a second or two, but on a machine loaded far past its cores it took over 30 s.
            await Listening.WaitAsync(process, port, bin, TimeSpan.FromMinutes(2), () => server.Log);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>Kills the emulator by its PID and removes its data.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
