using Argus.Client;
using Argus.Devices;
using Argus.Errors;
using Microsoft.Extensions.Options;

namespace Argus.Samples.Worker;

/// <summary>
/// Embeds every image file of a folder once, as it appears, through the cluster, and logs the model version and device
/// that answered. An image the model cannot take is logged with its reason and not tried again; one refused for now
/// (overloaded, not ready, no device, timed out) is tried again on the next pass.
/// </summary>
public sealed partial class Embedder(
    IArgusClient argus, IOptions<EmbedderOptions> options, IHostApplicationLifetime lifetime, ILogger<Embedder> logger) : BackgroundService
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };

    private readonly HashSet<string> _done = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.Interval);
        do
        {
            foreach (var file in Directory.EnumerateFiles(o.Folder).Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order())
            {
                if (!_done.Contains(file) && await EmbedAsync(o.Model, file, stoppingToken))
                {
                    _done.Add(file);
                }
            }

            if (o.Once)
            {
                LogDone(logger, _done.Count);
                lifetime.StopApplication();
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> EmbedAsync(string model, string file, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        try
        {
            var response = await argus.InferAsync(model, [InferenceInput.FromImage(await File.ReadAllBytesAsync(file, cancellationToken))],
                Lane.Batch, cancellationToken: cancellationToken);
            switch (response.Items[0])
            {
                case { Error: { IsRetryable: true } later }:
                    LogDeferred(logger, name, later.Message);
                    return false;
                case { Error: { } error }:
                    LogFailed(logger, name, error.Message);
                    return true;
                case var item:
                    LogEmbedded(logger, name, item.Embedding?.Length ?? 0, response.Model, response.Version, response.Device);
                    return true;
            }
        }
        catch (ArgusException e) when (e is OverloadedException or NotReadyException or NoDeviceException or InferenceTimeoutException)
        {
            LogDeferred(logger, name, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: {Length} floats from {Model} v{Version} on {Device}")]
    private static partial void LogEmbedded(ILogger logger, string file, int length, string model, string version, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: deferred to the next pass: {Reason}")]
    private static partial void LogDeferred(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Count} image(s); stopping")]
    private static partial void LogDone(ILogger logger, int count);
}
