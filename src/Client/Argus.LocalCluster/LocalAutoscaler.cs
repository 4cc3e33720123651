using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.Scaling;
using Argus.Security;

namespace Argus.LocalCluster;

/// <summary>
/// A development stand-in for Kubernetes: runs silo processes on this machine and follows the cluster's autoscaler,
/// read from <c>/v1/autoscale</c> of a running silo once per <see cref="LocalAutoscalerOptions.Interval"/>: it starts
/// silos while fewer run (or start) than desired, and stops the newest with SIGTERM, which drains it, while more run.
/// Its silos share this machine's cores: each is told that <see cref="LocalAutoscalerOptions.MaxSilos"/> silos may share
/// them (<c>Argus:Inference:SilosPerNode</c>, unless the settings give it), so that at the most the sessions' threads
/// together do not outnumber the cores; a silo's threads are fixed when it starts its sessions, so fewer silos leave
/// some cores idle rather than more silos fighting over them.
/// </summary>
public sealed class LocalAutoscaler : IAsyncDisposable
{
    /// <summary>The JSON of the silos' HTTP API: snake_case.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly LocalAutoscalerOptions _options;
    private readonly Dictionary<string, string> _settings;
    private readonly HttpClient _http;
    private readonly object _gate = new();
    private readonly List<LocalSilo> _running = [];
    private readonly List<Task> _changes = [];
    private int _starting;
    private int _stopping;
    private int _next;

    /// <summary>Checks the options and prepares the silos' settings; starts nothing yet.</summary>
    /// <exception cref="ArgumentException">The options have problems; the message lists them all.</exception>
    public LocalAutoscaler(LocalAutoscalerOptions options)
    {
        var problems = options.Validate().ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join('\n', problems), nameof(options));
        }

        _options = options;
        _settings = new(options.Settings)
        {
            ["Argus__Redis"] = options.Redis,
            ["Argus__Autoscale__MinSilos"] = options.MinSilos.ToString(CultureInfo.InvariantCulture),
            ["Argus__Autoscale__MaxSilos"] = options.MaxSilos.ToString(CultureInfo.InvariantCulture),
        };
        _settings.TryAdd(SilosPerNodeSetting, options.MaxSilos.ToString(CultureInfo.InvariantCulture));
        // The silos' own certificate and authority, when they run with TLS, for their HTTPS API.
        var tls = LocalSilo.TlsSettings(_settings);
        _http = tls.Enabled ? new HttpClient(TlsCertificates.CreateHttpHandler(tls)) : new HttpClient();
        _http.Timeout = TimeSpan.FromSeconds(5);
        if (options.SimDevices > 0)
        {
            _settings["Argus__Inference__Sim__Devices"] = options.SimDevices.ToString(CultureInfo.InvariantCulture);
        }

        if (options.SimProfile is { } profile)
        {
            _settings["Argus__Inference__Sim__Profile"] = profile;
        }

        if (options.ApiKey is { } key)
        {
            _settings["Argus__Auth__ApiKeys__0"] = key;
            _http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
    }

    /// <summary>The setting that tells a silo how many silos share its machine's cores.</summary>
    public const string SilosPerNodeSetting = "Argus__Inference__SilosPerNode";

    /// <summary>The settings every silo it starts gets, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings => _settings;

    /// <summary>A silo started, stopped or failed, or the desired count changed: one line for a console.</summary>
    public event Action<string>? Changed;

    /// <summary>The latest decision read from the cluster; null before the first.</summary>
    public AutoscaleStatus? Latest { get; private set; }

    /// <summary>Silos running and ready, oldest first (not those starting or stopping).</summary>
    public IReadOnlyList<LocalSilo> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _running];
            }
        }
    }

    /// <summary>Silos being started now.</summary>
    public int Starting => Volatile.Read(ref _starting);

    /// <summary>Silos draining now (sent SIGTERM, not yet exited).</summary>
    public int Stopping => Volatile.Read(ref _stopping);

    /// <summary>
    /// Starts the minimum, then follows the desired count until <paramref name="cancellationToken"/> is cancelled; then
    /// stops every silo it started (see <see cref="DisposeAsync"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, _options.MinSilos).Select(_ => StartOneAsync(cancellationToken)));
            using var timer = new PeriodicTimer(_options.Interval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await StepAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await DisposeAsync();
        }
    }

    /// <summary>Stops every silo it started (SIGTERM, a kill after the grace period) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] changes;
        lock (_gate)
        {
            changes = [.. _changes];
        }

        await Task.WhenAll(changes.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        LocalSilo[] running;
        lock (_gate)
        {
            running = [.. _running];
            _running.Clear();
        }

        await Task.WhenAll(running.Select(StopCoreAsync));
        _http.Dispose();
    }

    /// <summary>Reads the desired count once and starts or stops silos to meet it.</summary>
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var status = await ReadAsync(cancellationToken);
        if (status is not null && (Latest is null || Latest.Desired != status.Desired))
        {
            Report($"desired {status.Desired} silo(s): {status.Reason}");
        }

        Latest = status ?? Latest;
        lock (_gate)
        {
            _changes.RemoveAll(t => t.IsCompleted);
            var present = _running.Count + _starting;

            // With no silo answering (none ready), only the minimum is kept up.
            var desired = Math.Clamp(status?.Desired ?? Math.Max(present, _options.MinSilos), _options.MinSilos, _options.MaxSilos);
            for (var i = present; i < desired; i++)
            {
                _changes.Add(StartOneAsync(cancellationToken));
            }

            // Only ready silos are stopped, newest first, and none while another starts: the one stopped might be the
            // only one ready.
            for (var i = present; i > desired && _running.Count > 0 && _starting == 0; i--)
            {
                var silo = _running[^1];
                _running.RemoveAt(_running.Count - 1);
                _changes.Add(StopCoreAsync(silo));
            }
        }
    }

    /// <summary>The decision as a ready silo answers it, or null when none answers.</summary>
    private async Task<AutoscaleStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        foreach (var silo in Running)
        {
            try
            {
                return await _http.GetFromJsonAsync<AutoscaleStatus>(new Uri(silo.BaseAddress, "v1/autoscale"), Json, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // that silo is busy or leaving: ask the next
            }
        }

        return null;
    }

    private async Task StartOneAsync(CancellationToken cancellationToken)
    {
        var name = $"{_options.NamePrefix}-{Interlocked.Increment(ref _next) - 1}";
        Interlocked.Increment(ref _starting);
        try
        {
            var silo = await LocalSilo.StartAsync(_options.SiloDll, name, _settings, _options.StartTimeout, cancellationToken);
            lock (_gate)
            {
                _running.Add(silo);
            }

            Report($"started {name} (pid {silo.Pid}, http {silo.HttpPort}): {Running.Count} running");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Report($"starting {name} failed: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _starting);
        }
    }

    private async Task StopCoreAsync(LocalSilo silo)
    {
        Interlocked.Increment(ref _stopping);
        try
        {
            Report($"draining {silo.Name} (pid {silo.Pid})");
            await silo.StopAsync(_options.StopGrace);
            Report($"stopped {silo.Name}, exit code {silo.ExitCode}: {Running.Count} running");
            await silo.DisposeAsync();
        }
        finally
        {
            Interlocked.Decrement(ref _stopping);
        }
    }

    private void Report(string line) => Changed?.Invoke(line);
}
