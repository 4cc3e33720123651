using System.Threading.Channels;
using Argus.Devices;
using Argus.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Models.Drift;

/// <summary>
/// Samples the answers of this silo's devices for drift checks, off the hot path: <see cref="Offer"/> takes a share of
/// successful items into a bounded buffer and never waits (a full buffer drops the sample, never the request), and once
/// per <see cref="Period"/> the buffer is flushed, per model version, to its <see cref="IDriftMonitorGrain"/>; the
/// statuses the monitors answer feed this silo's drift gauges (<see cref="DriftInstruments"/>).
/// </summary>
internal sealed partial class DriftSampler : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The <see cref="RequestContext"/> key that marks a call whose items are no samples: a monitor's own reference
    /// images, which would otherwise come back into its window.
    /// </summary>
    internal const string Unsampled = "argus-drift-unsampled";

    private readonly Channel<Entry> _buffer;
    private readonly DriftOptions _options;
    private readonly DriftInstruments _instruments;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<DriftSampler> _logger;

    public DriftSampler(
        IOptions<DriftOptions> options, DriftInstruments instruments, IGrainFactory grains, TimeProvider time, ILogger<DriftSampler> logger)
    {
        (_options, _instruments, _grains, _time, _logger) = (options.Value, instruments, grains, time, logger);
        _buffer = Channel.CreateBounded<Entry>(new BoundedChannelOptions(_options.BufferSize)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refused at once when full, so the drop is seen and counted
            SingleReader = true,
        });
    }

    /// <summary>
    /// Offers one answered item of <paramref name="model"/>'s <paramref name="version"/>: taken with the configured share
    /// when drift checks are on and it succeeded. Never blocks.
    /// </summary>
    public void Offer(string model, string version, ItemResult item)
    {
        if (!_options.Enabled || item.Error is not null || Random.Shared.NextDouble() >= _options.SampleShare
            || RequestContext.Get(Unsampled) is not null || ToSample(item) is not { } sample)
        {
            return;
        }

        if (!_buffer.Writer.TryWrite(new(model.ToLowerInvariant(), version, sample)))
        {
            _instruments.Dropped();
        }
    }

    /// <summary>
    /// The part of an answer drift is checked on: an embedding, a raw output (non-empty), the top-1 class, or the
    /// number of regions; null for an item without any.
    /// </summary>
    public static DriftSample? ToSample(ItemResult item) => item switch
    {
        { Embedding: { Length: > 0 } embedding } => new(DriftOutput.Embedding, embedding, 0),
        { Raw: { Length: > 0 } raw } => new(DriftOutput.Raw, raw, 0),
        { Classes: [var top, ..] } => new(DriftOutput.Class, null, top.Index),
        { Detections: { } regions } => new(DriftOutput.Count, null, regions.Count),
        _ => null,
    };

    /// <summary>Hands what the buffer holds to the monitors, a batch per model version, and keeps their answers for the gauges.</summary>
    internal async Task FlushAsync()
    {
        var batches = new Dictionary<(string Model, string Version), List<DriftSample>>();
        for (var taken = 0; taken < _options.BufferSize && _buffer.Reader.TryRead(out var entry); taken++)
        {
            if (!batches.TryGetValue((entry.Model, entry.Version), out var batch))
            {
                batches[(entry.Model, entry.Version)] = batch = [];
            }

            batch.Add(entry.Sample);
        }

        await Task.WhenAll(batches.Select(async b =>
        {
            try
            {
                var samples = (IReadOnlyList<DriftSample>)b.Value;
                _instruments.Reported(await DriftMonitors.GrainOf(_grains, b.Key.Model, b.Key.Version).AddAsync(samples.AsImmutable()));
            }
            catch (Exception e)
            {
                _instruments.FlushFailed();
                LogFlushFailed(_logger, b.Key.Model, b.Key.Version, b.Value.Count, e.Message);
            }
        }));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Period, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await FlushAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handing {Count} drift samples of model {Model} version {Version} to its monitor failed: {Error}")]
    private static partial void LogFlushFailed(ILogger logger, string model, string version, int count, string error);

    private readonly record struct Entry(string Model, string Version, DriftSample Sample);
}
