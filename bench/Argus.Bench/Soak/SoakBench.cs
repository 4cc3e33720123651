using System.Diagnostics;
using System.Globalization;
using Argus.Testing;

namespace Argus.Bench.Soak;

/// <summary>
/// <c>argus soak</c>: a real cluster on this machine (Redis and three silo processes, one on the CPU, two on simulated
/// devices, and a fourth on a simulated device while the cluster's autoscaler asks for it) under interactive HTTP and SDK
/// calls with bursts, two cameras and batch jobs for a set time, while a seeded schedule of faults hits it; then the
/// oracle judges what every caller saw, and the report is written to a folder.
/// Exit code 0 only when every check of the oracle passed.
/// </summary>
internal static class SoakBench
{
    public const string ModelName = "resnet18";

    /// <summary>The fixed silos, the ones the fault schedule hits; the autoscaler may add one more.</summary>
    public const int Silos = 3;

    /// <summary>How long the last job may take to finish once the load has ended.</summary>
    private static readonly TimeSpan JobFinish = TimeSpan.FromMinutes(5);

    /// <summary>How long the silos may take to be ready again once the load has ended (a restart under load takes a minute here).</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var output = Directory.CreateDirectory(options.SoakOutput).FullName;
        using var logFile = new StreamWriter(Path.Combine(output, "soak.log"));
        var clock = new Stopwatch();
        void Log(string line)
        {
            var stamped = string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:F1} s  {line}");
            Console.WriteLine(stamped);
            lock (logFile)
            {
                logFile.WriteLine(stamped);
                logFile.Flush();
            }
        }

        var loadBefore = Bench.LoadAverage();
        var schedule = SoakSchedule.Draw(options.Seed, options.SoakLength, Silos);
        var scratch = Directory.CreateTempSubdirectory("argus-soak-");
        try
        {
            var (dll, _) = await StartupBench.CopySiloAsync(options.SiloDll ?? Bench.FindSiloDll(), Path.Combine(scratch.FullName, "silo"), [ModelName], cancellationToken);
            var images = ServingBench.SmallImages(options.ImagesDir, scratch.FullName);
            var jobCount = options.SoakLength >= TimeSpan.FromMinutes(10) ? 2000 : 400;
            var good = ImageWarehouse.Create(Path.Combine(scratch.FullName, "jobs-in"), jobCount);
            var corrupt = CorruptImages(Path.Combine(scratch.FullName, "jobs-in", "corrupt"));
            var manifest = Path.Combine(scratch.FullName, "jobs.txt");
            await File.WriteAllLinesAsync(manifest, good.Concat(corrupt), cancellationToken);
            var video = Path.Combine(options.ImagesDir, CameraBench.Video);
            using var disk = new JobOutputDisk(Path.Combine(scratch.FullName, "jobs-out"));
            await using var stream = new StreamServer(video);
            stream.Start();

            Log($"starting Redis and {Silos} silos (seed {options.Seed}, {options.SoakLength.TotalMinutes:G} minutes)");
            await using var cluster = await SoakCluster.StartAsync(dll, Path.Combine(output, "logs"));
            try
            {
                await using var client = await ClientHost.StartAsync(o => o.Redis = cluster.Redis, cancellationToken);
                await Eventually.HoldsAsync(async () => (await client.Client.GetDevicesAsync(cancellationToken)).Select(d => d.Silo).Distinct().Count() == Silos,
                    TimeSpan.FromSeconds(60), "every silo's devices to report");
                var startUtc = DateTime.UtcNow;
                clock.Start();
                var cameras = new SoakCameras(client.Client, clock, startUtc);
                await cameras.ConfigureAsync(video, stream.Url);
                using var health = new SoakHealth(cluster, clock);
                var load = new SoakLoad(cluster, health, client.Client, images, ModelName, new Random(options.Seed), clock);
                var jobs = new SoakJobs(client.Client, ModelName, manifest, good, corrupt, disk.Folder, clock);
                var faults = new SoakFaults(cluster, load, stream, disk, clock, Log);
                using var scaler = new SoakScaler(cluster, health, clock, Log);

                using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var watching = Task.WhenAll(
                    health.RunAsync(stopWatching.Token), cameras.RunAsync(stopWatching.Token), faults.SuperviseAsync(stopWatching.Token), scaler.RunAsync(stopWatching.Token));
                Log($"load: {SoakLoad.BaseRate:G} calls/s, 2 cameras, jobs of {jobs.Items} items; faults: {string.Join(", ", schedule.Select(f => $"{f.Kind}@{f.Start:F0}s"))}");
                var loading = load.RunAsync(stopLoad.Token);
                var jobbing = jobs.RunAsync(stopLoad.Token, JobFinish);
                var faulting = faults.RunAsync(schedule, cancellationToken);
                await Task.Delay(options.SoakLength, cancellationToken);
                await stopLoad.CancelAsync();
                Log("load ended; waiting for the last calls, faults and job");
                await loading;
                await faulting;
                await jobbing;

                // The silos that should be up (the fixed ones: every fault's silo was started again): ready, each with its devices.
                var settled = Stopwatch.StartNew();
                while (health.Ready.Count(s => s < Silos) < Silos && settled.Elapsed < SettleTimeout)
                {
                    await Task.Delay(1000, cancellationToken);
                }

                var devices = await client.Client.GetDevicesAsync(cancellationToken);
                var end = new SoakOracle.EndState(clock.Elapsed.TotalSeconds, health.Ready, [.. devices.Select(d => d.Silo).Distinct()], settled.Elapsed);
                await Task.Delay(SoakCameras.SampleEvery * 2, cancellationToken); // a last camera sample after the settling
                await stopWatching.CancelAsync();
                await watching;
                Log($"ready at the end: {string.Join(", ", end.Ready.Select(s => $"soak-{s}"))}");

                var run = new SoakRun(options, schedule, load.Calls, load.Dropped, health.Samples, cameras.Samples, jobs.Runs, jobs.Progress,
                    jobs.Items, corrupt.Count, faults.Exits, scaler.Samples, scaler.Changes, end, clock.Elapsed.TotalSeconds, loadBefore);
                var checks = SoakOracle.Judge(run);
                SoakReport.Write(output, run, checks);
                foreach (var check in checks)
                {
                    Log($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Detail}");
                }

                Log($"report: {Path.Combine(output, "SOAK.md")}");
                return checks.All(c => c.Passed) ? 0 : 1;
            }
            finally
            {
                cluster.SaveLogs();
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Files a job meets in real folders: a truncated JPEG, random bytes, an empty file and text, each named .jpg.</summary>
    private static IReadOnlyList<string> CorruptImages(string folder)
    {
        Directory.CreateDirectory(folder);
        var photo = File.ReadAllBytes(Path.Combine(TestData.ImagesDir, "fruits.jpg"));
        var random = new byte[4096];
        new Random(1).NextBytes(random);
        (string Name, byte[] Bytes)[] files =
        [
            ("truncated.jpg", photo[..(photo.Length / 3)]),
            ("noise.jpg", random),
            ("empty.jpg", []),
            ("text.jpg", "not an image\n"u8.ToArray()),
            ("header-only.jpg", photo[..64]),
        ];
        return [.. files.Select(f =>
        {
            var path = Path.Combine(folder, f.Name);
            File.WriteAllBytes(path, f.Bytes);
            return path;
        })];
    }
}

/// <summary>Everything the soak recorded, for the oracle and the report.</summary>
internal sealed record SoakRun(
    BenchOptions Options,
    IReadOnlyList<Fault> Faults,
    IReadOnlyList<Call> Calls,
    long Dropped,
    IReadOnlyList<SoakHealth.SiloSample> Silos,
    IReadOnlyList<SoakCameras.CameraSample> Cameras,
    IReadOnlyList<SoakJobs.JobRun> Jobs,
    IReadOnlyList<(double Seconds, long Done)> JobProgress,
    int JobItems,
    int CorruptItems,
    IReadOnlyList<SiloExit> Exits,
    IReadOnlyList<SoakScaler.Sample> Autoscaler,
    IReadOnlyList<SoakScaler.Change> Scaled,
    SoakOracle.EndState End,
    double Seconds,
    string LoadBefore);
