using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Jobs;
using Argus.LoadTesting.Targets;
using Argus.Testing;
using static Argus.Bench.JobBench;

namespace Argus.Bench;

/// <summary>
/// The batch warehouse from object stores into tables (issue 17): the same N images uploaded to s3rver and to Azurite
/// (npm's emulators, on loopback), a batch job with <c>"format": "parquet"</c> over each store's prefix writing its parts
/// back to that store, the same job over the local folder into a local folder, and the raw ONNX Runtime pipeline over the
/// local files, in one run at each batch size; every job's Parquet rows are read back and checked (each image exactly
/// once). Written to the <c>warehouse</c> section.
/// </summary>
internal static class StoreJobBench
{
    /// <summary>The section of docs/BENCHMARKS.md it writes.</summary>
    public const string Section = "warehouse";

    /// <summary>With <c>--stores</c>, the batch size when <c>--batch-sizes</c> is not given: the job's default.</summary>
    public const int DefaultBatchSize = 32;

    private const string Container = "warehouse";
    private const string ImagesPrefix = "images";
    private const string OutputPrefix = "out";
    private const string LocalPath = "job: local folder → Parquet";
    private const string S3Path = "job: s3rver → Parquet in s3rver";
    private const string AzurePath = "job: Azurite → Parquet in Azurite";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Both emulators, each holding the warehouse's images under <c>images/</c> of one container.</summary>
    internal sealed class Stores(S3rver s3, Azurite azure) : IAsyncDisposable
    {
        public S3rver S3 { get; } = s3;

        public Azurite Azure { get; } = azure;

        /// <summary>The images' locations in s3rver (<c>s3://…</c>), as a job over it names its items.</summary>
        public IReadOnlyList<string> S3Items { get; private set; } = [];

        /// <summary>The images' locations in Azurite (<c>az://…</c>).</summary>
        public IReadOnlyList<string> AzureItems { get; private set; } = [];

        public TimeSpan S3Upload { get; private set; }

        public TimeSpan AzureUpload { get; private set; }

        /// <summary>The silo settings that reach both.</summary>
        public IReadOnlyDictionary<string, string> SiloSettings =>
            S3.SiloSettings.Concat(Azure.SiloSettings).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

        /// <summary>Starts both and uploads the warehouse's files to each; stops them again if that fails.</summary>
        public static async Task<Stores> StartAsync(Warehouse warehouse, CancellationToken cancellationToken)
        {
            var s3 = await S3rver.StartAsync();
            Azurite? azure = null;
            try
            {
                azure = await Azurite.StartAsync();
                var stores = new Stores(s3, azure);
                (stores.S3Items, stores.S3Upload) = await UploadAsync(s3, warehouse, cancellationToken);
                (stores.AzureItems, stores.AzureUpload) = await UploadAsync(azure, warehouse, cancellationToken);
                return stores;
            }
            catch
            {
                await s3.DisposeAsync();
                if (azure is not null)
                {
                    await azure.DisposeAsync();
                }

                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await S3.DisposeAsync();
            await Azure.DisposeAsync();
        }

        private static async Task<(IReadOnlyList<string> Items, TimeSpan Took)> UploadAsync(
            ObjectStoreServer store, Warehouse warehouse, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await store.CreateContainerAsync(Container);
            var items = await store.UploadAsync(Container, ImagesPrefix, warehouse.Folder, warehouse.Files).WaitAsync(cancellationToken);
            var took = Stopwatch.GetElapsedTime(started);
            Console.WriteLine(string.Create(Invariant, $"Uploaded {items.Count} images to {store.Location(Container, ImagesPrefix)} in {took.TotalSeconds:F1} s."));
            return (items, took);
        }
    }

    /// <summary>
    /// At each batch size the four paths, in an order rotated by one at each size, so drifts in the machine's load do
    /// not always fall on the same path. The silo stays up, idle, while the raw pipeline runs.
    /// </summary>
    public static async Task<List<Run>> MeasureAsync(
        BenchOptions options, Stores stores, RawTarget raw, JobRunner jobs, Warehouse warehouse, string scratch, CancellationToken cancellationToken)
    {
        List<Run> runs = [];
        foreach (var (batchSize, i) in options.BatchSizes.Select((b, i) => (b, i)))
        {
            JobSpec Parquet(string input, string output) =>
                new() { Input = input, Model = ModelName, Output = output, BatchSize = batchSize, Format = JobOutputFormat.Parquet };

            Func<Task<Run>>[] paths =
            [
                () => MeasureRawAsync(raw, warehouse.Files, batchSize, cancellationToken),
                () => jobs.RunAsync(LocalPath, $"local-b{batchSize}", Parquet(warehouse.Folder, scratch),
                    status => OutputCheck.ReadFolderAsync(status.OutputFolder, warehouse.Files, cancellationToken), cancellationToken),
                () => StoreJobAsync(jobs, S3Path, $"s3-b{batchSize}", stores.S3, stores.S3Items, Parquet, cancellationToken),
                () => StoreJobAsync(jobs, AzurePath, $"azure-b{batchSize}", stores.Azure, stores.AzureItems, Parquet, cancellationToken),
            ];
            foreach (var measure in paths.Skip(i % paths.Length).Concat(paths.Take(i % paths.Length)))
            {
                runs.Add(Print(await measure()));
            }
        }

        return runs;
    }

    private static Task<Run> StoreJobAsync(
        JobRunner jobs, string path, string name, ObjectStoreServer store, IReadOnlyList<string> items, Func<string, string, JobSpec> parquet,
        CancellationToken cancellationToken)
    {
        var root = store.Location(Container, "");
        return jobs.RunAsync(path, name, parquet(store.Location(Container, ImagesPrefix), store.Location(Container, OutputPrefix)),
            status => OutputCheck.ReadStoreAsync(store, Container, status.OutputFolder[root.Length..], items, cancellationToken), cancellationToken);
    }

    public static string Markdown(
        BenchOptions options, Warehouse warehouse, Stores stores, SiloDevice device, string rawProvider, IReadOnlyList<Run> runs,
        string loadAtStart, string loadAtEnd)
    {
        var md = new StringBuilder();
        var n = warehouse.Files.Count;
        md.AppendLine("## Batch jobs from object stores into Parquet: s3rver, Azurite and a local folder against the raw pipeline").AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.").AppendLine();
        md.AppendLine(Invariant, $"Command: `{options.Command}` (a quick check: `scripts/bench.sh --jobs --stores --images 200`).");
        md.AppendLine(Invariant, $"Taken {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Report.CpuModel()}), no GPU: the silo's device");
        md.AppendLine(Invariant, $"`{device.Key}` ran {device.ExecutionProvider}, the raw pipeline {rawProvider}. Load average (1, 5, 15 min) at start {loadAtStart},");
        md.AppendLine(Invariant, $"at the end {loadAtEnd}; each row's 1-minute load at its start is in the table.");
        if (options.Note is { } note)
        {
            md.AppendLine().AppendLine(note);
        }

        md.AppendLine();
        md.AppendLine(Invariant, $"The images: the {n} files of `.cache/image-warehouse/{n}` ({warehouse.Bytes / 1024.0 / 1024.0:F0} MiB, `Argus.Testing.ImageWarehouse`,");
        md.AppendLine("as in the section above), uploaded before the silo starts to npm's `s3rver` and `azurite` (`Argus.Testing.S3rver`,");
        md.AppendLine(Invariant, $"`Azurite`: Node processes on loopback, on the same cores) under `{ImagesPrefix}/` of a container `{Container}`: s3rver took");
        md.AppendLine(Invariant, $"{stores.S3Upload.TotalSeconds:F0} s, Azurite {stores.AzureUpload.TotalSeconds:F0} s (8 uploads at once). One silo process (default configuration");
        md.AppendLine("plus both stores' endpoints and credentials) runs each job; at each batch size, in an order rotated by one per size:").AppendLine();
        md.AppendLine("- **raw ONNX Runtime pipeline**, in the bench process, over the local files (as in the section above); it writes nothing.");
        md.AppendLine(Invariant, $"- **{LocalPath}**: a job over the local folder with `\"format\": \"parquet\"`, its parts written to a local folder.");
        md.AppendLine(Invariant, $"- **{S3Path}**: the same job over `s3://{Container}/{ImagesPrefix}`, its parts written to `s3://{Container}/{OutputPrefix}`.");
        md.AppendLine(Invariant, $"- **{AzurePath}**: the same over `az://{Container}/{ImagesPrefix}`, written to `az://{Container}/{OutputPrefix}`.").AppendLine();
        md.AppendLine("Each job is submitted by the SDK (other settings default: shards of 256 items) and timed from submit to `Completed`;");
        md.AppendLine("then its `part-*.parquet` files are read back from where it wrote them (the `item` column, Parquet.Net) and checked:");
        md.AppendLine("every image has exactly one row, and no other row exists. CPU s per 1000 images: the bench process for the raw");
        md.AppendLine("pipeline; the silo plus the bench process (in brackets) for a job. The emulators' own CPU is not counted, though it");
        md.AppendLine("shares the cores.").AppendLine();
        md.AppendLine("| Batch size | Path | Images | Failed | Wall s | Images/s | × raw | CPU s per 1000 images | Device batch | Parquet output | Load (1 min) |");
        md.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var r in runs)
        {
            var raw = runs.First(x => x.Path == RawPath && x.BatchSize == r.BatchSize);
            var cpu = r.Path == RawPath ? $"{r.CpuSecondsPer1000:F1}" : $"{r.CpuSecondsPer1000:F1} ({r.BenchCpuSecondsPer1000:F1})";
            var check = r.Check is { } c
                ? $"{c.Results} rows in {c.Parts} parts, {c.Distinct} distinct: {(c.ExactlyOnce && c.Distinct == n ? "each image once" : $"{c.Missing} missing, {c.Unexpected} unexpected")}"
                : "–";
            md.AppendLine(Invariant,
                $"| {r.BatchSize} | {r.Path} | {r.Succeeded} | {r.Failed} | {r.Wall.TotalSeconds:F1} | {r.ImagesPerSecond:F1} | {r.ImagesPerSecond / raw.ImagesPerSecond:F3} | {cpu} | {r.DeviceBatch:F2} | {check} | {r.Load} |");
        }

        return md.ToString();
    }
}
