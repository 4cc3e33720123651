using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Client;
using Argus.Devices;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Postprocessing;
using Argus.Inference.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Bench;

/// <summary>The encoded photos every scenario sends, in memory; callers take them round-robin.</summary>
internal sealed class ImageSet(IReadOnlyList<(string Name, byte[] Data)> images)
{
    private long _next = -1;

    public IReadOnlyList<(string Name, byte[] Data)> All => images;

    public long TotalBytes => images.Sum(i => (long)i.Data.Length);

    public byte[] Next() => images[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)images.Count)].Data;

    /// <summary>Reads every *.jpg of <paramref name="folder"/>; a photo the preprocessor refuses is reported and left out.</summary>
    public static ImageSet Load(string folder, ImagePreprocessor preprocessor, ImageLimits limits)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"No image folder {folder} (install Debian's opencv-doc, or pass --images DIR).");
        }

        List<(string, byte[])> images = [];
        foreach (var path in Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal))
        {
            var data = File.ReadAllBytes(path);
            try
            {
                preprocessor.Process(data, limits);
                images.Add((Path.GetFileName(path), data));
            }
            catch (InvalidInputException e)
            {
                Console.Error.WriteLine($"bench: left out {Path.GetFileName(path)}: {e.Message}");
            }
        }

        return images.Count > 0 ? new ImageSet(images) : throw new InvalidOperationException($"No usable *.jpg in {folder}.");
    }
}

/// <summary>The scenarios' names, as reported.</summary>
internal static class ScenarioName
{
    public const string Raw = "(a) raw ONNX Runtime";
    public const string Orleans = "(b) Orleans client";
    public const string Http = "(c) HTTP";
}

/// <summary>One way of running the photos through the model.</summary>
internal interface IScenario
{
    string Name { get; }

    /// <summary>The L2-normalised embedding of one photo, to check the paths agree.</summary>
    Task<float[]> EmbedAsync(byte[] image, CancellationToken cancellationToken);

    Task<Measurement> MeasureAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>
/// (a) ONNX Runtime in this process: each cycle decodes and preprocesses <c>c</c> photos in parallel and runs them as
/// one batch; every image of a cycle has the cycle's latency.
/// </summary>
internal sealed class RawScenario : IScenario, IDisposable
{
    private readonly OnnxModel _model;
    private readonly ImagePreprocessor _preprocessor;
    private readonly ImageLimits _limits;
    private readonly ImageSet _images;

    private RawScenario(OnnxModel model, ExecutionTarget target, ImagePreprocessor preprocessor, ImageLimits limits, ImageSet images)
    {
        _model = model;
        Target = target;
        _preprocessor = preprocessor;
        _limits = limits;
        _images = images;
    }

    public string Name => ScenarioName.Raw;

    public ExecutionTarget Target { get; }

    /// <summary>Elements of one embedding.</summary>
    public int EmbeddingLength => _model.Output.ItemLength;

    /// <summary>Loads the model as the silo does: same files, same device choice, same session options.</summary>
    public static RawScenario Load(InferenceOptions inference, ModelOptions model, ImageSet images)
    {
        // The silo's DeviceRuntime runs OpenCV single-threaded (requests decode in parallel already); so does (a).
        OpenCvSharp.Cv2.SetNumThreads(1);
        var target = ExecutionTarget.Discover(inference)[0];
        var session = OnnxModel.Load(
            Resolve(model.Path), model.PreprocessPath is null ? null : Resolve(model.PreprocessPath),
            [3, model.Preprocess.Height, model.Preprocess.Width],
            () => target.CreateSessionOptions(inference.IntraOpThreads));
        return new RawScenario(session, target, new ImagePreprocessor(model.Preprocess), inference.Images, images);
    }

    public Task<float[]> EmbedAsync(byte[] image, CancellationToken cancellationToken) =>
        Task.FromResult(Postprocess.L2Normalize(_model.Run([_preprocessor.Process(image, _limits)])[0]));

    public Task<Measurement> MeasureAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken) =>
        ClosedLoop.RunAsync(Name, concurrency, workers: 1, _ => Task.FromResult(RunBatch(concurrency)), warmup, window, cancellationToken);

    public void Dispose() => _model.Dispose();

    private StepResult RunBatch(int size)
    {
        var encoded = new byte[size][];
        for (var i = 0; i < size; i++)
        {
            encoded[i] = _images.Next();
        }

        var inputs = new float[size][];
        Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = size }, i => inputs[i] = _preprocessor.Process(encoded[i], _limits));
        var started = Stopwatch.GetTimestamp();
        var outputs = _model.Run(inputs);
        var compute = Stopwatch.GetElapsedTime(started);
        if (outputs.Length != size || outputs.Any(o => o.Length != EmbeddingLength || !o.All(float.IsFinite)))
        {
            throw new InvalidOperationException($"The model returned {outputs.Length} outputs for {size} inputs, or outputs of the wrong size.");
        }

        return new StepResult(size, null, compute.TotalMilliseconds);
    }

    private static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}

/// <summary>(b) <c>c</c> closed-loop callers of <see cref="IArgusClient.InferImageAsync"/> through the silo's gateway.</summary>
internal sealed class OrleansScenario(IHost host, DeviceKey device, string model, ImageSet images, int embeddingLength) : IScenario, IAsyncDisposable
{
    private readonly IArgusClient _client = host.Services.GetRequiredService<IArgusClient>();

    public string Name => ScenarioName.Orleans;

    /// <summary>Starts an Orleans client host connected to the gateway.</summary>
    public static async Task<OrleansScenario> StartAsync(
        int gatewayPort, DeviceKey device, string model, ImageSet images, int embeddingLength, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddArgusClient(o => o.GatewayPorts = [gatewayPort]);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new OrleansScenario(host, device, model, images, embeddingLength);
    }

    public async Task<float[]> EmbedAsync(byte[] image, CancellationToken cancellationToken) =>
        Checked(await _client.InferImageAsync(device, model, image, cancellationToken: cancellationToken));

    public Task<Measurement> MeasureAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken) =>
        ClosedLoop.RunAsync(Name, concurrency, workers: concurrency, async ct =>
        {
            var item = await _client.InferImageAsync(device, model, images.Next(), cancellationToken: ct);
            Checked(item);
            return new StepResult(1, item.QueueMs, item.ComputeMs);
        }, warmup, window, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await host.StopAsync(grace.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    private float[] Checked(ItemResult item) => item.Embedding is { } embedding && embedding.Length == embeddingLength
        ? embedding
        : throw new InvalidOperationException($"Expected an embedding of {embeddingLength} values, got {item.Embedding?.Length.ToString() ?? "none"}.");
}

/// <summary>(c) <c>c</c> closed-loop callers POSTing the JPEG bytes to <c>/v1/models/{model}/infer</c>.</summary>
internal sealed class HttpScenario(HttpClient http, Uri infer, ImageSet images, int embeddingLength) : IScenario
{
    private static readonly MediaTypeHeaderValue Jpeg = new("image/jpeg");

    public string Name => ScenarioName.Http;

    public async Task<float[]> EmbedAsync(byte[] image, CancellationToken cancellationToken) =>
        (await InferAsync(image, cancellationToken)).Embedding;

    public Task<Measurement> MeasureAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken) =>
        ClosedLoop.RunAsync(Name, concurrency, workers: concurrency, async ct => (await InferAsync(images.Next(), ct)).Step, warmup, window, cancellationToken);

    private async Task<(float[] Embedding, StepResult Step)> InferAsync(byte[] image, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(image);
        content.Headers.ContentType = Jpeg;
        using var response = await http.PostAsync(infer, content, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = System.Text.Encoding.UTF8.GetString(body);
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}", null, response.StatusCode);
        }

        using var json = JsonDocument.Parse(body);
        var item = json.RootElement.GetProperty("results")[0];
        var embedding = item.GetProperty("embedding");
        if (embedding.ValueKind != JsonValueKind.Array || embedding.GetArrayLength() != embeddingLength)
        {
            throw new InvalidOperationException($"Expected an embedding of {embeddingLength} values, got {embedding.ValueKind}.");
        }

        float[] values = [.. embedding.EnumerateArray().Select(v => v.GetSingle())];
        return (values, new StepResult(1, item.GetProperty("queue_ms").GetDouble(), item.GetProperty("compute_ms").GetDouble()));
    }
}
