using System.Globalization;
using System.Runtime.InteropServices;

namespace Argus.Bench;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!BenchOptions.TryParse(args, out var options, out var problem))
        {
            Console.Error.WriteLine(problem);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();

        // Ctrl+C and SIGTERM cancel the run instead of ending the process, so disposing the silo stops it.
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        try
        {
            if (options.Serving)
            {
                return await ServingBench.RunAsync(options, stop.Token);
            }

            if (options.Cameras)
            {
                return await CameraBench.RunAsync(options, stop.Token);
            }

            if (options.Autoscale)
            {
                return await AutoscaleBench.RunAsync(options, stop.Token);
            }

            if (options.Jobs)
            {
                return await JobBench.RunAsync(options, stop.Token);
            }

            if (options.Versions)
            {
                return await VersionBench.RunAsync(options, stop.Token);
            }

            if (options.Fairness)
            {
                return await FairnessBench.RunAsync(options, stop.Token);
            }

            if (options.Pipeline)
            {
                return await PipelineBench.RunAsync(options, stop.Token);
            }

            if (options.Startup)
            {
                return await StartupBench.RunAsync(options, stop.Token);
            }

            if (options.Soak)
            {
                return await Soak.SoakBench.RunAsync(options, stop.Token);
            }

            if (options.CpuCost)
            {
                return options.Against is null ? await CpuCostBench.RunAsync(options, stop.Token) : await CpuCostBench.CompareAsync(options, stop.Token);
            }

            return options.ClusterSizes.Count > 0
                ? await ClusterBench.RunAsync(options, stop.Token)
                : await Bench.RunAsync(options, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("bench: cancelled.");
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"bench: failed: {e}");
            return 1;
        }
    }
}

/// <summary>The command line.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: Argus.Bench [options]
          --seconds N        measured window per scenario and concurrency (default 20; 4 with --versions)
          --warmup N         discarded warm-up before each window, seconds (default 3; 1 with --versions)
          --concurrency LIST comma-separated concurrency levels (default 1,8)
          --images DIR|N     folder of *.jpg photos (default /usr/share/doc/opencv-doc/examples/data); with --jobs, a
                             count: the images made from opencv-doc's photos (default 10000; 500 for a quick check)
          --silo PATH        Argus.Silo.dll of a Release build (default: found next to this build)
          --markdown PATH    also write the report as markdown to PATH
          --command TEXT     the command shown in the markdown (default scripts/bench.sh)
          --cluster-sizes L  instead: SDK → cluster throughput with Redis and L silos each (e.g. 1,3), at the
                             highest --concurrency
          --serving          instead: the serving scenarios (micro-batching on the simulated textbook GPU and the
                             CPU, twice capacity for a minute, 4 silos x 2 sim devices); --seconds is the window
          --cameras          instead: N cameras at 5 fps (vtest.avi) against one silo, N rising to 24 (past
                             saturation), on a sim device at ResNet18's CPU cost (21 ms a frame, one at a time);
                             --seconds per N, after at least 10 s for the cameras' shares to settle
          --cameras-cpu      the same with ResNet18 on this machine's CPU
          --autoscale        instead: silos started and drained as the autoscaler asks (argus autoscale dev) under
                             100, 600, 300, 50 images/s on sim devices; a timeline plot
          --jobs             instead: the batch image warehouse, a batch job over --images N files against the raw
                             ONNX Runtime pipeline on the same files, at each of --batch-sizes
          --batch-sizes L    with --jobs: comma-separated batch sizes (default 8,16,32,64; 32 with --stores)
          --stores           with --jobs: instead, the warehouse from object stores: the images uploaded to s3rver and to
                             Azurite, a job with Parquet output over each store and over the local folder, against the raw
                             pipeline, at each --batch-sizes; every image's row checked in the Parquet read back
          --versions         instead: the cost of model versions, calls under a rollout against a twin model without
                             one, alternating: routing by version (canary 20 %) on the CPU over HTTP and the SDK at each
                             --concurrency, and shadow traffic at 10 % on a sim device over HTTP at c=4
          --fairness         instead: tenant b at 20 % of one sim device's capacity alone, then tenant a at 5x
                             capacity alongside it (two SDK clients); --seconds per phase (default 20)
          --pipeline         instead: the hybrid pipeline on the CPU's moderation models, uploads at --rate per second for
                             --seconds (default 180) beside a 5 fps camera on vtest.avi, without then with heavy work,
                             then a burst for the heavy tier's capacity; the heavy model's raw ONNX Runtime rate first
          --quick            with --pipeline: 30 s phases (unless --seconds is given)
          --rate N           with --pipeline: uploads per second (default 4)
          --startup          instead: time to capacity, a silo started 1 + --runs times per model set (the default
                             models, ResNet18 alone): process start to /readyz 200, CPU spent, resident memory once warm
          --runs N           with --startup: starts per model set after the first (default 5); with --against: rounds
          --soak             instead: Redis and 3 silos under interactive calls, 2 cameras and batch jobs while a seeded
                             schedule of faults hits them; the oracle's checks decide the exit code (scripts/soak.sh)
          --minutes N        with --soak: minutes of load (default 30)
          --seed N           with --soak: the seed of the fault schedule and the load (default 1)
          --out DIR          with --soak: where SOAK.md, img/soak-*.png and the logs go (default soak-report)
          --note TEXT        a sentence about the machine (what else ran on it) under the command in the markdown of
                             the default run, of --jobs --stores and of --soak's report
          --cpu-cost         instead: the silo's CPU core-µs and allocated bytes per item on a simulated device whose
                             batches take no time, HTTP v1, v2 JSON, v2 binary, gRPC and the SDK at batch 1 and 8, then
                             again with stage timing for the breakdown (--quick: 1,000 items per cell instead of 4,000)
          --against PATH     with --cpu-cost: instead, that Argus.Silo.dll (the baseline) against --silo's build, a silo of
                             each up at once, batch-8 windows of v2 binary, the SDK's tensor and HTTP v1 sent to one then
                             the other for --runs rounds; each window's core-µs and bytes per item, and the medians
        """;

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8];

    public string ImagesDir { get; init; } = "/usr/share/doc/opencv-doc/examples/data";

    public string? SiloDll { get; init; }

    public string? MarkdownPath { get; init; }

    public string Command { get; init; } = "scripts/bench.sh";

    public IReadOnlyList<int> ClusterSizes { get; init; } = [];

    public bool Serving { get; init; }

    public bool Cameras { get; init; }

    /// <summary>With <see cref="Cameras"/>: ResNet18 on this machine's CPU rather than a sim device at its CPU cost.</summary>
    public bool CamerasOnCpu { get; init; }

    public bool Autoscale { get; init; }

    public bool Jobs { get; init; }

    public bool Versions { get; init; }

    public bool Fairness { get; init; }

    public bool Pipeline { get; init; }

    public bool Startup { get; init; }

    public bool Soak { get; init; }

    /// <summary>With <see cref="Soak"/>: how long the load runs.</summary>
    public TimeSpan SoakLength { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>With <see cref="Soak"/>: the seed of the fault schedule and the load.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>With <see cref="Soak"/>: the report's folder.</summary>
    public string SoakOutput { get; init; } = "soak-report";

    /// <summary>The CPU cost per item of the serving path (<see cref="CpuCostBench"/>).</summary>
    public bool CpuCost { get; init; }

    /// <summary>With <see cref="CpuCost"/>: a baseline silo build to compare <see cref="SiloDll"/>'s with.</summary>
    public string? Against { get; init; }

    /// <summary>With <see cref="Startup"/>: starts per model set after the first; with <see cref="Against"/>: rounds.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>With <see cref="Pipeline"/>: a short upload window.</summary>
    public bool Quick { get; init; }

    /// <summary>With <see cref="Pipeline"/>: uploads per second.</summary>
    public double Rate { get; init; } = PipelineBench.DefaultRate;

    /// <summary>With <see cref="Jobs"/>: how many images the warehouse holds.</summary>
    public int ImageCount { get; init; } = 10_000;

    public IReadOnlyList<int> BatchSizes { get; init; } = [8, 16, 32, 64];

    /// <summary>With <see cref="Jobs"/>: the warehouse from object stores into Parquet instead of the batch-size sweep.</summary>
    public bool Stores { get; init; }

    /// <summary>A sentence the markdown section carries under its command, e.g. what else ran on the machine.</summary>
    public string? Note { get; init; }

    public bool Help { get; init; }

    public static bool TryParse(string[] args, out BenchOptions options, out string? problem)
    {
        options = new BenchOptions();
        problem = null;
        var (windowGiven, warmupGiven, batchSizesGiven) = (false, false, false);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options = options with { Help = true };
                continue;
            }

            if (name == "--serving")
            {
                options = options with { Serving = true };
                continue;
            }

            if (name == "--cameras")
            {
                options = options with { Cameras = true };
                continue;
            }

            if (name == "--cameras-cpu")
            {
                options = options with { Cameras = true, CamerasOnCpu = true };
                continue;
            }

            if (name == "--autoscale")
            {
                options = options with { Autoscale = true };
                continue;
            }

            if (name == "--jobs")
            {
                options = options with { Jobs = true };
                continue;
            }

            if (name == "--versions")
            {
                options = options with { Versions = true };
                continue;
            }

            if (name == "--fairness")
            {
                options = options with { Fairness = true };
                continue;
            }

            if (name == "--pipeline")
            {
                options = options with { Pipeline = true };
                continue;
            }

            if (name == "--startup")
            {
                options = options with { Startup = true };
                continue;
            }

            if (name == "--soak")
            {
                options = options with { Soak = true };
                continue;
            }

            if (name == "--stores")
            {
                options = options with { Stores = true };
                continue;
            }

            if (name == "--cpu-cost")
            {
                options = options with { CpuCost = true };
                continue;
            }

            if (name == "--quick")
            {
                options = options with { Quick = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problem = $"{name}: unknown option or missing value.";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--seconds" when Seconds(value) is { } s:
                    options = options with { Window = s };
                    windowGiven = true;
                    break;
                case "--warmup" when Seconds(value, allowZero: true) is { } s:
                    options = options with { Warmup = s };
                    warmupGiven = true;
                    break;
                case "--concurrency" when Levels(value) is { } levels:
                    options = options with { Concurrency = levels };
                    break;
                case "--images" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count):
                    if (count is < 1 or > 1_000_000)
                    {
                        problem = $"--images {value}: a count must be 1 to 1000000.";
                        return false;
                    }

                    options = options with { ImageCount = count };
                    break;
                case "--images":
                    options = options with { ImagesDir = value };
                    break;
                case "--silo":
                    options = options with { SiloDll = Path.GetFullPath(value) };
                    break;
                case "--against":
                    options = options with { Against = Path.GetFullPath(value) };
                    break;
                case "--markdown":
                    options = options with { MarkdownPath = Path.GetFullPath(value) };
                    break;
                case "--command":
                    options = options with { Command = value };
                    break;
                case "--cluster-sizes" when Levels(value) is { } sizes:
                    options = options with { ClusterSizes = sizes };
                    break;
                case "--rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is > 0 and <= 1000:
                    options = options with { Rate = rate };
                    break;
                case "--runs" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var runs) && runs is >= 1 and <= 100:
                    options = options with { Runs = runs };
                    break;
                case "--minutes" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 600:
                    options = options with { SoakLength = TimeSpan.FromMinutes(minutes) };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--out":
                    options = options with { SoakOutput = Path.GetFullPath(value) };
                    break;
                case "--batch-sizes" when Levels(value) is { } batchSizes:
                    options = options with { BatchSizes = batchSizes };
                    batchSizesGiven = true;
                    break;
                case "--note" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Note = value.Trim() };
                    break;
                default:
                    problem = $"{name} {value}: unknown option or invalid value.";
                    return false;
            }
        }

        if (options.Versions)
        {
            // That section alternates many short runs; its own defaults keep it to about three minutes.
            options = options with
            {
                Window = windowGiven ? options.Window : VersionBench.DefaultWindow,
                Warmup = warmupGiven ? options.Warmup : VersionBench.DefaultWarmup,
            };
        }

        if (options.Against is not null && !options.CpuCost)
        {
            problem = "--against goes with --cpu-cost.";
            return false;
        }

        if (options.Stores)
        {
            if (!options.Jobs)
            {
                problem = "--stores goes with --jobs.";
                return false;
            }

            options = options with { BatchSizes = batchSizesGiven ? options.BatchSizes : [StoreJobBench.DefaultBatchSize] };
        }

        if (options.Pipeline)
        {
            options = options with { Window = windowGiven ? options.Window : options.Quick ? PipelineBench.QuickWindow : PipelineBench.DefaultWindow };
        }

        return true;
    }

    private static TimeSpan? Seconds(string text, bool allowZero = false) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && (s > 0 || (allowZero && s == 0)) && s <= 3600
            ? TimeSpan.FromSeconds(s)
            : null;

    private static int[]? Levels(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var levels = parts.Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 256 ? n : 0).ToArray();
        return levels.Length > 0 && levels.All(n => n > 0) ? [.. levels.Distinct()] : null;
    }
}
