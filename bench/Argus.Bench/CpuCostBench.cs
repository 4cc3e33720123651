using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Devices;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Bench;

/// <summary>
/// What the serving path costs the silo's cores per item, with the model taken out: one silo on one simulated device
/// whose batches take no time, the text-direction model's small input (3×48×192) sent already decoded (FP32 tensors over
/// v2 JSON, v2 binary, gRPC and the SDK) or as a tiny JPEG (HTTP v1, the SDK), one item per request from a closed loop,
/// at device batch 1 and 8. The silo's process CPU time and the bytes it allocated come from its own <c>/metrics</c>
/// (.NET's runtime meter) before and after a fixed number of items; the load generator's own CPU time is measured apart.
/// With <c>Argus:Inference:StageTiming</c> on, a second silo adds where the time goes, stage by stage.
/// </summary>
internal static class CpuCostBench
{
    private const string Model = "text-direction";
    private const int Concurrency = 16;
    private static readonly int[] Shape = [1, 3, 48, 192];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One way in: how a request is built and sent.</summary>
    internal enum CostPath
    {
        HttpV1Jpeg,
        V2Json,
        V2Binary,
        Grpc,
        SdkTensor,
        SdkJpeg,
    }

    /// <summary>The device batch sizes measured: a model configured with each cap.</summary>
    private static readonly (int Batch, string Model)[] Batches = [(1, Model + "-b1"), (8, Model)];

    /// <summary>What one cell measured.</summary>
    /// <param name="Path">The way in.</param>
    /// <param name="Batch">The model's batch cap.</param>
    /// <param name="Items">Items sent.</param>
    /// <param name="Seconds">Wall time of the window.</param>
    /// <param name="SiloCoreUs">Silo process CPU per item, µs.</param>
    /// <param name="IdleCoreUs">Of that, what the idle silo spends in as long, per item, µs.</param>
    /// <param name="AllocatedBytes">Bytes the silo allocated per item.</param>
    /// <param name="LoadCoreUs">This process's CPU per item (the load generator), µs.</param>
    /// <param name="AverageBatch">Items per batch the device ran.</param>
    /// <param name="Gen2PerThousand">Full (gen2) collections per 1,000 items.</param>
    /// <param name="Stages">Thread CPU per item by stage, µs, when the silo timed its stages.</param>
    internal sealed record Cell(
        CostPath Path, int Batch, int Items, double Seconds, double SiloCoreUs, double IdleCoreUs, double AllocatedBytes, double LoadCoreUs,
        double AverageBatch, double Gen2PerThousand, IReadOnlyDictionary<string, double> Stages);

    /// <summary>Items per path sent before anything is measured, so the JIT has compiled the hot code at its last tier.</summary>
    private static int WarmUp(int items) => items / 4;

    /// <summary>Items a cell sends: v2 JSON parses some 28,000 numbers per item, so a fifth of the others' count is as exact.</summary>
    private static int Count(CostPath path, int items) => path == CostPath.V2Json ? items / 5 : items;

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var scratch = Directory.CreateTempSubdirectory("argus-cpu-cost-");
        try
        {
            var (dll, _) = await StartupBench.CopySiloAsync(siloDll, Path.Combine(scratch.FullName, "silo"), [Model], cancellationToken);
            var profile = await WriteProfileAsync(scratch, cancellationToken);
            var inputs = Inputs.Create(options.ImagesDir);
            var items = options.Quick ? 1_000 : 4_000;
            var load = Bench.LoadAverage();

            Console.WriteLine($"CPU cost: {items} items per cell, c={Concurrency}, tensor {inputs.Tensor.Length * 4} bytes, JPEG {inputs.Jpeg.Length} bytes.");
            var (totals, memory) = await RunSiloAsync(dll, Settings(profile, stageTiming: false), inputs, items, cancellationToken);
            Console.WriteLine("Again with stage timing on, for the breakdown:");
            var (stages, _) = await RunSiloAsync(dll, Settings(profile, stageTiming: true), inputs, items, cancellationToken);

            var markdown = Markdown(options, inputs, items, totals, memory, stages, (load, Bench.LoadAverage()));
            Console.WriteLine(markdown);
            if (options.MarkdownPath is { } path)
            {
                var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
                await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, "cpu-cost"), CancellationToken.None);
                Console.WriteLine($"Wrote {path}.");
            }

            return 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Two builds side by side (<c>--against</c>): a silo of each, both up at once, and windows of the batch-8 paths the
    /// goal names sent to one, then the other, round after round (the order swapped every round), so that a drift in the
    /// machine's load falls on both builds alike. Prints each window's silo core-µs and bytes per item, and the medians.
    /// </summary>
    public static async Task<int> CompareAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("argus-cpu-cost-");
        try
        {
            var profile = await WriteProfileAsync(scratch, cancellationToken);
            var inputs = Inputs.Create(options.ImagesDir);
            var items = options.Quick ? 1_000 : 4_000;
            var settings = Settings(profile, stageTiming: false);
            var load = Bench.LoadAverage();
            var builds = (Baseline: options.Against!, Build: options.SiloDll ?? Bench.FindSiloDll());
            Console.WriteLine($"CPU cost, two builds: {items} items per window, {options.Runs} rounds, c={Concurrency}.");
            var (baselineDll, _) = await StartupBench.CopySiloAsync(builds.Baseline, Path.Combine(scratch.FullName, "baseline"), [Model], cancellationToken);
            var (buildDll, _) = await StartupBench.CopySiloAsync(builds.Build, Path.Combine(scratch.FullName, "build"), [Model], cancellationToken);
            await using var baseline = await CostSilo.StartAsync("baseline", baselineDll, settings, inputs, cancellationToken);
            await using var build = await CostSilo.StartAsync("build", buildDll, settings, inputs, cancellationToken);
            foreach (var side in new[] { baseline, build })
            {
                foreach (var path in ComparedPaths)
                {
                    await ClosedLoopAsync(side.Senders.For(path, Model), WarmUp(items), cancellationToken);
                }
            }

            List<(CostPath Path, int Round, CostSilo Side, double CoreUs, double Bytes)> windows = [];
            for (var round = 1; round <= options.Runs; round++)
            {
                CostSilo[] order = round % 2 == 1 ? [baseline, build] : [build, baseline];
                foreach (var path in ComparedPaths)
                {
                    foreach (var side in order)
                    {
                        var (before, after, _) = await MeasureAsync(side.Http, side.Silo, side.Senders.For(path, Model), items, cancellationToken);
                        var (coreUs, bytes) = ((after.CpuSeconds - before.CpuSeconds) * 1e6 / items, (after.AllocatedBytes - before.AllocatedBytes) / items);
                        windows.Add((path, round, side, coreUs, bytes));
                        Console.WriteLine($"  round {round} {path,-10} {side.Name,-8}: {coreUs,5:F0} core-µs/item, {bytes,7:F0} B/item");
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine($"Baseline {builds.Baseline}, build {builds.Build}; batch cap 8; load average {load} before, {Bench.LoadAverage()} after.");
            Console.WriteLine("| Path | Baseline core-µs per round | Build core-µs per round | Median, baseline → build | Build lower in | B/item, baseline → build |");
            Console.WriteLine("|---|---|---|---|---:|---|");
            foreach (var path in ComparedPaths)
            {
                double[] Of(CostSilo side, Func<(CostPath Path, int Round, CostSilo Side, double CoreUs, double Bytes), double> value) =>
                    [.. windows.Where(w => w.Path == path && w.Side == side).OrderBy(w => w.Round).Select(value)];
                var (a, b) = (Of(baseline, w => w.CoreUs), Of(build, w => w.CoreUs));
                var lower = a.Zip(b).Count(p => p.Second < p.First);
                Console.WriteLine(string.Create(Invariant,
                    $"| {Name(path)} | {string.Join(", ", a.Select(v => v.ToString("F0", Invariant)))} | {string.Join(", ", b.Select(v => v.ToString("F0", Invariant)))} "
                    + $"| {Median(a):F0} → {Median(b):F0} | {lower} of {a.Length} | {Median(Of(baseline, w => w.Bytes)):F0} → {Median(Of(build, w => w.Bytes)):F0} |"));
            }

            return 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The paths <see cref="CompareAsync"/> measures, at batch cap 8: those the issue's goals name.</summary>
    private static readonly CostPath[] ComparedPaths = [CostPath.V2Binary, CostPath.SdkTensor, CostPath.HttpV1Jpeg];

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The latency profile of a simulated device whose batches take no measurable time.</summary>
    private static async Task<string> WriteProfileAsync(DirectoryInfo scratch, CancellationToken cancellationToken)
    {
        var profile = Path.Combine(scratch.FullName, "near-zero.json");
        await File.WriteAllTextAsync(profile, """
            { "name": "near-zero", "source": "CPU-cost bench: a batch takes no measurable time", "jitter": 0, "latencyMs": { "1": 0.001, "8": 0.001 } }
            """, cancellationToken);
        return profile;
    }

    /// <summary>A silo being measured: its HTTP client (for <c>/metrics</c>), its SDK client and its senders.</summary>
    private sealed class CostSilo(string name, SiloProcess silo, HttpClient http, ClientHost client, Senders senders) : IAsyncDisposable
    {
        public string Name => name;

        public SiloProcess Silo => silo;

        public HttpClient Http => http;

        public Senders Senders => senders;

        /// <summary>Starts the silo of <paramref name="dll"/> (a copy <see cref="StartupBench.CopySiloAsync"/> made) and connects to it.</summary>
        public static async Task<CostSilo> StartAsync(
            string name, string dll, Dictionary<string, string> settings, Inputs inputs, CancellationToken cancellationToken)
        {
            var silo = await SiloProcess.StartAsync($"cpu-cost-{name}", settings, TimeSpan.FromMinutes(5), dll);
            try
            {
                var client = await ClientHost.StartAsync(o => o.GatewayPorts = [silo.GatewayPort], cancellationToken);
                return new CostSilo(name, silo, new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }, client, new Senders(silo, client, inputs));
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            senders.Dispose();
            http.Dispose();
            await client.DisposeAsync();
            await silo.DisposeAsync();
        }
    }

    /// <summary>The copied silo's one model at cap 8 (a 5 ms window, so 16 callers fill it) and a twin at cap 1.</summary>
    private static Dictionary<string, string> Settings(string profile, bool stageTiming)
    {
        var settings = new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = profile,
            ["Argus__Inference__StageTiming"] = stageTiming ? "true" : "false",
            ["Argus__Inference__Models__0__Batching__MaxBatchSize"] = "8",
            ["Argus__Inference__Models__0__Batching__MaxDelayMs"] = "5",
            ["Argus__Inference__Models__0__Batching__QueueCapacity"] = "256",
        };
        var twin = "Argus__Inference__Models__1__";
        settings[twin + "Name"] = Batches[0].Model;
        settings[twin + "Version"] = "2.0";
        settings[twin + "Path"] = "models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx";
        settings[twin + "Task"] = "Classification";
        settings[twin + "LabelsPath"] = "models/labels/text-direction.txt";
        settings[twin + "TopK"] = "2";
        settings[twin + "Softmax"] = "false";
        settings[twin + "Preprocess__Width"] = "192";
        settings[twin + "Preprocess__Height"] = "48";
        settings[twin + "Preprocess__Resize"] = "PadRight";
        settings[twin + "Preprocess__Channels"] = "Bgr";
        for (var c = 0; c < 3; c++)
        {
            settings[twin + $"Preprocess__Mean__{c}"] = "127.5";
            settings[twin + $"Preprocess__Std__{c}"] = "127.5";
        }

        settings[twin + "Batching__MaxBatchSize"] = "1";
        settings[twin + "Batching__MaxDelayMs"] = "0";
        settings[twin + "Batching__QueueCapacity"] = "256";
        return settings;
    }

    /// <summary>Runs every cell on one silo; with its resident memory after them and the most it held (MB).</summary>
    private static async Task<(List<Cell> Cells, (double Rss, double Peak) Memory)> RunSiloAsync(
        string dll, Dictionary<string, string> settings, Inputs inputs, int items, CancellationToken cancellationToken)
    {
        await using var target = await CostSilo.StartAsync("0", dll, settings, inputs, cancellationToken);
        var (silo, http, senders) = (target.Silo, target.Http, target.Senders);

        // Every path once before anything is measured: connections, JIT, the first batches.
        foreach (var (_, model) in Batches)
        {
            foreach (var path in Enum.GetValues<CostPath>())
            {
                await ClosedLoopAsync(senders.For(path, model), WarmUp(Count(path, items)), cancellationToken);
            }
        }

        List<(Counters Before, Counters After, TimeSpan Own, CostPath Path, int Batch)> measured = [];
        foreach (var (batch, model) in Batches)
        {
            foreach (var path in Enum.GetValues<CostPath>())
            {
                var (before, after, own) = await MeasureAsync(http, silo, senders.For(path, model), Count(path, items), cancellationToken);
                measured.Add((before, after, own, path, batch));
                Console.WriteLine($"  {path,-10} batch {batch}: {(after.CpuSeconds - before.CpuSeconds) * 1e6 / Count(path, items),7:F0} core-µs/item");
            }
        }

        // The idle silo's own CPU (timers, membership, the dashboard's metrics), once the code is compiled and warm, to
        // tell apart from what the items cost.
        await WaitQuietAsync(http, silo, cancellationToken);
        var idleStart = await Counters.ReadAsync(http, silo, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var idleEnd = await Counters.ReadAsync(http, silo, cancellationToken);
        var idlePerSecond = (idleEnd.CpuSeconds - idleStart.CpuSeconds) / (idleEnd.At - idleStart.At);
        Console.WriteLine($"  idle silo: {idlePerSecond * 1000:F1} core-ms/s");

        List<Cell> cells = [];
        foreach (var (before, after, own, path, batch) in measured)
        {
            var n = Count(path, items);
            var seconds = after.At - before.At;
            var batches = after.Batches - before.Batches;
            var cell = new Cell(
                path, batch, n, seconds,
                (after.CpuSeconds - before.CpuSeconds) * 1e6 / n,
                idlePerSecond * seconds * 1e6 / n,
                (after.AllocatedBytes - before.AllocatedBytes) / n,
                own.TotalMicroseconds / n,
                batches == 0 ? double.NaN : (double)(after.Items - before.Items) / batches,
                (after.Gen2 - before.Gen2) * 1000.0 / n,
                after.Stages.ToDictionary(s => s.Key, s => (s.Value - before.Stages.GetValueOrDefault(s.Key)) * 1e6 / n));
            Console.WriteLine($"  {path,-10} batch {batch}: {cell.SiloCoreUs,7:F0} core-µs/item (idle {cell.IdleCoreUs:F0}), "
                + $"{cell.AllocatedBytes,8:F0} B/item, gen2 GCs {cell.Gen2PerThousand:F1}/1000 items, load generator {cell.LoadCoreUs:F0} core-µs/item, "
                + $"{n / seconds:F0} items/s, batch {cell.AverageBatch:F1}"
                + (cell.Stages.Count == 0 ? "" : "; " + string.Join(", ", cell.Stages.Select(s => $"{s.Key} {s.Value:F1}"))));
            cells.Add(cell);
        }

        var memory = (StartupBench.StatusKb(silo.Pid, "VmRSS") / 1024.0, StartupBench.StatusKb(silo.Pid, "VmHWM") / 1024.0);
        Console.WriteLine($"  silo memory: {memory.Item1:F0} MB resident, {memory.Item2:F0} MB at most");
        return (cells, memory);
    }

    /// <summary>One window: once the silo is quiet, <paramref name="items"/> items sent; the silo's counters around it, and this process's CPU.</summary>
    private static async Task<(Counters Before, Counters After, TimeSpan Own)> MeasureAsync(
        HttpClient http, SiloProcess silo, Func<CancellationToken, Task> send, int items, CancellationToken cancellationToken)
    {
        await WaitQuietAsync(http, silo, cancellationToken);
        var before = await Counters.ReadAsync(http, silo, cancellationToken);
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await ClosedLoopAsync(send, items, cancellationToken);
        var own = Process.GetCurrentProcess().TotalProcessorTime - ownBefore;
        var after = await Counters.ReadAsync(http, silo, cancellationToken);
        return (before, after, own);
    }

    /// <summary>
    /// Waits until the silo spends no more than an idle silo does (two one-second readings under 150 core-ms/s; at most a
    /// minute). After load on new code the runtime's tiered JIT goes on recompiling it in the background, on 2 cores for
    /// seconds at 0.6–0.7 of a core (seen with <c>perf</c>), which would otherwise be charged to the next cell's items.
    /// </summary>
    private static async Task WaitQuietAsync(HttpClient http, SiloProcess silo, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var last = await Counters.ReadAsync(http, silo, cancellationToken);
        for (var quiet = 0; quiet < 2 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(1);)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await Counters.ReadAsync(http, silo, cancellationToken);
            quiet = (now.CpuSeconds - last.CpuSeconds) / (now.At - last.At) < 0.15 ? quiet + 1 : 0;
            last = now;
        }
    }

    /// <summary>Sends <paramref name="items"/> single-item requests from <see cref="Concurrency"/> callers.</summary>
    private static async Task ClosedLoopAsync(Func<CancellationToken, Task> send, int items, CancellationToken cancellationToken)
    {
        var left = items;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                await send(cancellationToken);
            }
        }, cancellationToken)));
    }

    /// <summary>The inputs every path sends: one tensor in the model's layout and one tiny JPEG.</summary>
    internal sealed record Inputs(float[] Tensor, byte[] TensorBytes, byte[] Jpeg, int JpegWidth, int JpegHeight)
    {
        public static Inputs Create(string imagesDir)
        {
            var random = new Random(18);
            var tensor = new float[Shape.Aggregate(1, (a, b) => a * b)];
            for (var i = 0; i < tensor.Length; i++)
            {
                tensor[i] = random.NextSingle() * 2 - 1;
            }

            var bytes = new byte[tensor.Length * sizeof(float)];
            for (var i = 0; i < tensor.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), tensor[i]);
            }

            // A thumbnail of a real photo at half the model's input size: what a camera's crop might send.
            var photo = Directory.EnumerateFiles(imagesDir, "*.jpg").Order(StringComparer.Ordinal).First();
            using var image = Cv2.ImRead(photo, ImreadModes.Color);
            using var small = new Mat();
            Cv2.Resize(image, small, new Size(96, 24), interpolation: InterpolationFlags.Area);
            Cv2.ImEncode(".jpg", small, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
            return new Inputs(tensor, bytes, jpeg, small.Width, small.Height);
        }
    }

    /// <summary>One request per path, built once; each send checks its answer.</summary>
    private sealed class Senders(SiloProcess silo, ClientHost client, Inputs inputs) : IDisposable
    {
        private static readonly MediaTypeHeaderValue JpegType = new("image/jpeg");
        private static readonly MediaTypeHeaderValue JsonType = new("application/json");
        private static readonly MediaTypeHeaderValue OctetType = new("application/octet-stream");
        private static readonly MediaTypeHeaderValue GrpcType = new("application/grpc");
        private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = silo.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

        private readonly HttpClient _grpc = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, EnableMultipleHttp2Connections = true })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{silo.GrpcPort ?? throw new InvalidOperationException("The silo has no gRPC port.")}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };

        public Func<CancellationToken, Task> For(CostPath path, string model) => path switch
        {
            CostPath.HttpV1Jpeg => c => PostAsync($"v1/models/{model}/infer", inputs.Jpeg, JpegType, null, c),
            CostPath.V2Json => V2Json(model),
            CostPath.V2Binary => V2Binary(model),
            CostPath.Grpc => Grpc(model),
            CostPath.SdkTensor => c => SdkAsync(model, InferenceInput.FromTensor(inputs.Tensor), c),
            CostPath.SdkJpeg => c => SdkAsync(model, InferenceInput.FromImage(inputs.Jpeg), c),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
        };

        private Func<CancellationToken, Task> V2Json(string model)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                inputs = new[] { new { name = "x", shape = Shape, datatype = "FP32", data = inputs.Tensor } },
            });
            return c => PostAsync($"v2/models/{model}/infer", body, JsonType, null, c);
        }

        private Func<CancellationToken, Task> V2Binary(string model)
        {
            var header = JsonSerializer.SerializeToUtf8Bytes(new
            {
                inputs = new[] { new { name = "x", shape = Shape, datatype = "FP32", parameters = new { binary_data_size = inputs.TensorBytes.Length } } },
                parameters = new { binary_data_output = true },
            });
            byte[] body = [.. header, .. inputs.TensorBytes];
            var length = header.Length.ToString(Invariant);
            return c => PostAsync($"v2/models/{model}/infer", body, OctetType, length, c);
        }

        private Func<CancellationToken, Task> Grpc(string model)
        {
            var message = ModelInferRequest(model, inputs.TensorBytes);
            var framed = new byte[5 + message.Length];
            BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
            message.CopyTo(framed, 5);
            return async c =>
            {
                // HTTP/2 without TLS from the first byte (h2c), as gRPC clients speak to a plaintext port.
                using var request = new HttpRequestMessage(HttpMethod.Post, "inference.GRPCInferenceService/ModelInfer")
                {
                    Content = new ByteArrayContent(framed) { Headers = { ContentType = GrpcType } },
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
                using var response = await _grpc.SendAsync(request, HttpCompletionOption.ResponseContentRead, c);
                await response.Content.ReadAsByteArrayAsync(c);
                var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.First()
                    : response.Headers.TryGetValues("grpc-status", out values) ? values.First() : "?";
                if (status != "0")
                {
                    throw new InvalidOperationException($"gRPC ModelInfer answered HTTP {(int)response.StatusCode}, grpc-status {status}.");
                }
            };
        }

        /// <summary>A <c>ModelInferRequest</c> with one FP32 input in <c>raw_input_contents</c>, encoded by hand (protobuf wire format).</summary>
        private static byte[] ModelInferRequest(string model, byte[] raw)
        {
            var tensor = new MemoryStream();
            Field(tensor, 1, Encoding.UTF8.GetBytes("x"));
            Field(tensor, 2, "FP32"u8.ToArray());
            var shape = new MemoryStream();
            foreach (var d in Shape)
            {
                Varint(shape, (ulong)d);
            }

            Field(tensor, 3, shape.ToArray());
            var request = new MemoryStream();
            Field(request, 1, Encoding.UTF8.GetBytes(model));
            Field(request, 5, tensor.ToArray());
            Field(request, 7, raw);
            return request.ToArray();
        }

        private static void Field(MemoryStream stream, int number, byte[] value)
        {
            Varint(stream, (ulong)(number << 3 | 2));
            Varint(stream, (ulong)value.Length);
            stream.Write(value);
        }

        private static void Varint(MemoryStream stream, ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            stream.WriteByte((byte)value);
        }

        private async Task PostAsync(string path, byte[] body, MediaTypeHeaderValue type, string? headerLength, CancellationToken cancellationToken)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = type;
            if (headerLength is not null)
            {
                content.Headers.Add("Inference-Header-Content-Length", headerLength);
            }

            using var response = await _http.PostAsync(path, content, cancellationToken);
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"POST {path}: HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(300, answer.Length)))}");
            }
        }

        private async Task SdkAsync(string model, InferenceInput input, CancellationToken cancellationToken)
        {
            // A generous budget: on a shared machine a call can wait seconds for a core, and a timed-out call counts as a
            // lost device.
            var response = await client.Client.InferAsync(model, [input], timeout: TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);
            if (response.Items[0].Error is { } error)
            {
                throw new InvalidOperationException($"SDK {model}: {error.Kind}: {error.Message}");
            }
        }

        public void Dispose()
        {
            _http.Dispose();
            _grpc.Dispose();
        }
    }

    /// <summary>The silo's counters at one moment: its runtime meter and stage timers from <c>/metrics</c>, its device's counts.</summary>
    private sealed record Counters(
        double At, double CpuSeconds, double AllocatedBytes, double Gen2, long Items, long Batches, IReadOnlyDictionary<string, double> Stages)
    {
        private const string StagePrefix = "argus_stage_cpu_time_seconds_total";

        public static async Task<Counters> ReadAsync(HttpClient http, SiloProcess silo, CancellationToken cancellationToken)
        {
            var at = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            var metrics = await http.GetStringAsync("metrics", cancellationToken);
            var device = await Bench.GetDeviceAsync(http, silo, cancellationToken);
            var (cpu, allocated, gen2) = (0.0, 0.0, 0.0);
            Dictionary<string, double> stages = [];
            foreach (var line in metrics.Split('\n'))
            {
                if (line.StartsWith('#') || line.Length == 0)
                {
                    continue;
                }

                var value = Value(line);
                if (line.StartsWith("dotnet_process_cpu_time_seconds_total", StringComparison.Ordinal))
                {
                    cpu += value;
                }
                else if (line.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal))
                {
                    allocated += value;
                }
                else if (line.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal) && Label(line, "gc_heap_generation") == "gen2")
                {
                    gen2 += value;
                }
                else if (line.StartsWith(StagePrefix, StringComparison.Ordinal) && Label(line, "stage") is { } stage)
                {
                    stages[stage] = stages.GetValueOrDefault(stage) + value;
                }
            }

            if (cpu == 0)
            {
                throw new InvalidOperationException("The silo's /metrics has no dotnet_process_cpu_time_seconds_total: it exports no System.Runtime meter.");
            }

            return new Counters(at, cpu, allocated, gen2, device.ItemsRun, device.BatchesRun, stages);
        }

        private static double Value(string line)
        {
            // "name{labels} value" or "name value", optionally followed by a timestamp.
            var afterLabels = line.LastIndexOf('}') is var close and >= 0 ? line[(close + 1)..] : line[line.IndexOf(' ')..];
            return double.Parse(afterLabels.Trim().Split(' ')[0], Invariant);
        }

        private static string? Label(string line, string name)
        {
            var key = name + "=\"";
            var start = line.IndexOf(key, StringComparison.Ordinal);
            return start < 0 ? null : line[(start + key.Length)..line.IndexOf('"', start + key.Length)];
        }
    }

    private static string Markdown(
        BenchOptions options, Inputs inputs, int items, IReadOnlyList<Cell> totals, (double Rss, double Peak) memory, IReadOnlyList<Cell> stages,
        (string Before, string After) load)
    {
        var md = new StringBuilder();
        md.AppendLine("## CPU cost per item: the serving path without the model").AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.").AppendLine();
        md.AppendLine($"Command: `{options.Command}`").AppendLine();
        md.AppendLine(Invariant, $"""
            One silo on one simulated device whose batches take no time (a `near-zero` latency profile), the text-direction
            model's input (FP32 3×48×192, {inputs.TensorBytes.Length / 1024} KiB) sent decoded as v2 JSON, v2 binary (the binary tensor
            data extension, binary output), gRPC (`raw_input_contents`) and through the SDK, or as a {inputs.JpegWidth}×{inputs.JpegHeight}
            JPEG ({inputs.Jpeg.Length} bytes) over HTTP v1 and the SDK (decoded and preprocessed in the silo). One item per request,
            {Concurrency} callers, {items} items per cell (v2 JSON {Count(CostPath.V2Json, items)}) after a quarter as many of warm-up on every path; device batch cap 1, and cap 8 with a 5 ms window. Each cell
            starts once the silo is quiet (two one-second readings under 150 core-ms/s), so that the tiered JIT's background
            recompiling after the warm-up is not charged to the items.
            **Silo core-µs**: the silo process's CPU time (user + system, .NET's `dotnet.process.cpu.time` at `/metrics`) per
            item; **idle**: what the idle silo (measured after the cells, warm) spends in as long (timers, membership, the
            dashboard's metrics), included in it; **B/item**: bytes the silo allocated (`dotnet.gc.heap.total_allocated`);
            **gen2/1k**: full collections per 1,000 items; **load gen**: the bench process's own CPU per item (clients,
            serialization), not included. **Memory**: the silo held {memory.Rss:F0} MB resident after the cells and
            {memory.Peak:F0} MB at most (VmHWM), {Concurrency} callers' tensors in flight at a time.
            Taken {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Report.CpuModel()}), no GPU; load average {load.Before} before, {load.After} after. {options.Note}
            """).AppendLine();
        md.AppendLine("| Path | Batch | Silo core-µs/item | of it idle | B/item | gen2/1k | Load gen core-µs/item | Items/s | Avg batch |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in totals)
        {
            md.AppendLine(Invariant,
                $"| {Name(c.Path)} | {c.Batch} | {c.SiloCoreUs:F0} | {c.IdleCoreUs:F0} | {c.AllocatedBytes:F0} | {c.Gen2PerThousand:F1} | {c.LoadCoreUs:F0} | {c.Items / c.Seconds:F0} | {c.AverageBatch:F1} |");
        }

        var names = stages.SelectMany(c => c.Stages.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (names.Length > 0)
        {
            md.AppendLine().AppendLine("""
                Where it goes (a second silo with `Argus:Inference:StageTiming` on; each stage is the thread CPU time of its synchronous
                code, per item, µs; **rest** is the silo's CPU the stages do not cover: Kestrel, Orleans messaging and scheduling,
                task continuations, GC, the idle silo):
                """).AppendLine();
            md.AppendLine($"| Path | Batch | Silo core-µs | {string.Join(" | ", names)} | rest |");
            md.AppendLine($"|---|---:|---:|{string.Concat(names.Select(_ => "---:|"))}---:|");
            foreach (var c in stages)
            {
                var sum = names.Sum(n => c.Stages.GetValueOrDefault(n));
                md.AppendLine(Invariant,
                    $"| {Name(c.Path)} | {c.Batch} | {c.SiloCoreUs:F0} | {string.Join(" | ", names.Select(n => c.Stages.GetValueOrDefault(n).ToString("F1", Invariant)))} | {c.SiloCoreUs - sum:F0} |");
            }
        }

        return md.ToString();
    }

    private static string Name(CostPath path) => path switch
    {
        CostPath.HttpV1Jpeg => "HTTP v1, JPEG",
        CostPath.V2Json => "v2 JSON, FP32",
        CostPath.V2Binary => "v2 binary, FP32",
        CostPath.Grpc => "gRPC, FP32 raw",
        CostPath.SdkTensor => "SDK, FP32",
        CostPath.SdkJpeg => "SDK, JPEG",
        _ => path.ToString(),
    };
}
