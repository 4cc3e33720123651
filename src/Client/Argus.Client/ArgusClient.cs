using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Jobs;
using Argus.Models;
using Argus.Pipelines;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;
using Polly;
using Polly.Retry;

namespace Argus.Client;

internal sealed partial class ArgusClient(
    IClusterClient cluster, DeviceTable table, RolloutTable rollouts, RolloutRecorder recorder, ArgusHttp http,
    IOptions<ArgusClientOptions> options, TimeProvider time)
    : IArgusClient
{
    /// <summary>Alerts a watcher may fall behind by before the oldest are dropped.</summary>
    private const int WatchBuffer = 1024;

    /// <summary>How often <see cref="WatchJobAsync"/> asks for a job's status unless told.</summary>
    private static readonly TimeSpan DefaultWatchPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Retries an idempotent call whose grain's silo was lost: every job call (a submit of the same spec included), the
    /// repository's and rollouts' reads, and a load of the same definition.
    /// </summary>
    private static readonly ResiliencePipeline SiloLossRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(SiloLoss.Is),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>
    /// Routes as the silos' door does, from outside the cluster (every device is remote): the version by the caller or
    /// the model's rollout, then the device.
    /// </summary>
    private readonly ModelRouter _router = new(
        new DeviceRouter(cluster, table, RouteOrigin.Client, options.Value.AttemptTimeout, (device, token) => table.WaitUntilGoneAsync(device.Key, token)),
        table, rollouts, recorder, time);

    public async Task<InferenceResponse> InferAsync(
        string model, IReadOnlyList<InferenceInput> inputs, Lane lane, TimeSpan? timeout, string? version, string? routeKey,
        CancellationToken cancellationToken)
    {
        var budget = Budget(timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        try
        {
            var request = new InferenceRequest(model, inputs, lane, DateTime.UtcNow + budget, Tenant: options.Value.Tenant);
            var choice = await _router.ChooseAsync(
                model, version, () => routeKey is null ? RouteKeys.Of(request) : RouteKeys.Of(routeKey), deadline.Token);
            return await _router.InferAsync(request, choice, fallback: null, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InferenceTimeoutException($"No answer from model '{model}' within {budget.TotalMilliseconds:F0} ms.");
        }
    }

    public async Task<ItemResult> InferImageAsync(
        string model, byte[] image, Lane lane, TimeSpan? timeout, string? version, string? routeKey, CancellationToken cancellationToken) =>
        Single(await InferAsync(model, [InferenceInput.FromImage(image)], lane, timeout, version, routeKey, cancellationToken));

    public Task<InferenceResponse> InferAsync(
        DeviceKey device, string model, IReadOnlyList<InferenceInput> inputs, Lane lane, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var request = new InferenceRequest(model, inputs, lane, DateTime.UtcNow + Budget(timeout), Tenant: options.Value.Tenant);
        return Grain(device).InferAsync(request.AsImmutable(), cancellationToken);
    }

    public async Task<ItemResult> InferImageAsync(
        DeviceKey device, string model, byte[] image, Lane lane, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Single(await InferAsync(device, model, [InferenceInput.FromImage(image)], lane, timeout, cancellationToken));

    public Task<IReadOnlyList<DeviceLoad>> GetDevicesAsync(CancellationToken cancellationToken) => table.GetAsync(cancellationToken);

    public Task<DeviceStatus> GetDeviceStatusAsync(DeviceKey device) => Grain(device).GetStatusAsync();

    public Task ConfigureCameraAsync(string camera, CameraConfig config) => Camera(camera).ConfigureAsync(config);

    public Task RemoveCameraAsync(string camera) => Camera(camera).RemoveAsync();

    public Task<IReadOnlyList<string>> ListCamerasAsync() => cluster.GetGrain<ICameraRegistryGrain>(0).ListAsync();

    public Task<CameraConfig?> GetCameraAsync(string camera) => Camera(camera).GetConfigAsync();

    public Task<CameraStats> GetCameraStatsAsync(string camera) => Camera(camera).GetStatsAsync();

    public Task<IReadOnlyList<Alert>> GetRecentAlertsAsync(string camera) => Camera(camera).GetRecentAlertsAsync();

    public Task<FrameOutcome> PushFrameAsync(string camera, byte[] image, DateTime? capturedAt) =>
        Camera(camera).PushFrameAsync(new Frame(image, capturedAt ?? DateTime.UtcNow).AsImmutable());

    public async IAsyncEnumerable<Alert> WatchAlertsAsync(string camera, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var alerts = Channel.CreateBounded<Alert>(new BoundedChannelOptions(WatchBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var subscription = await cluster.GetStreamProvider(AlertStreams.Provider)
            .GetStream<Alert>(StreamId.Create(AlertStreams.Namespace, CameraId(camera)))
            .SubscribeAsync((alert, _) =>
            {
                alerts.Writer.TryWrite(alert);
                return Task.CompletedTask;
            });
        try
        {
            await foreach (var alert in alerts.Reader.ReadAllAsync(cancellationToken))
            {
                yield return alert;
            }
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    public Task<JobStatus> SubmitJobAsync(string? id, JobSpec spec)
    {
        var problems = JobSubmission.Problems(id, spec).ToList();
        if (problems.Count > 0)
        {
            throw new BadInputException(JobSubmission.Describe(id, problems));
        }

        var job = id ?? JobSubmission.NewId(time.GetUtcNow().UtcDateTime);
        return IdempotentCallAsync(() => Job(job).SubmitAsync(spec));
    }

    public Task<JobStatus> GetJobAsync(string id) => IdempotentCallAsync(() => Job(id).GetStatusAsync());

    public Task<IReadOnlyList<JobStatus>> ListJobsAsync() => IdempotentCallAsync(cluster.ListJobStatusesAsync);

    public Task<JobStatus> PauseJobAsync(string id) => IdempotentCallAsync(() => Job(id).PauseAsync());

    public Task<JobStatus> ResumeJobAsync(string id) => IdempotentCallAsync(() => Job(id).ResumeAsync());

    public Task<JobStatus> CancelJobAsync(string id) => IdempotentCallAsync(() => Job(id).CancelAsync());

    public async IAsyncEnumerable<JobStatus> WatchJobAsync(string id, TimeSpan? period, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var every = period ?? DefaultWatchPeriod;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero, nameof(period));
        while (true)
        {
            var status = await IdempotentCallAsync(() => Job(id).GetStatusAsync(), cancellationToken);
            yield return status;
            if (status.IsFinished)
            {
                yield break;
            }

            await Task.Delay(every, time, cancellationToken);
        }
    }

    public Task<RepositoryChange> LoadModelAsync(string model, string definitionJson)
    {
        var definition = ModelDefinition.FromJson(model, definitionJson);
        return IdempotentCallAsync(() => Repository.LoadAsync(definition));
    }

    public Task<RepositoryChange> UnloadModelAsync(string model, string version) => Repository.UnloadAsync(model, version);

    public Task<RepositoryState> GetRepositoryAsync() => IdempotentCallAsync(Repository.GetAsync);

    public Task<Rollout> GetRolloutAsync(string model) => IdempotentCallAsync(() => RolloutOf(model).GetAsync());

    public Task<Rollout> SetRolloutAsync(string model, RolloutSpec spec) => ChangeRolloutAsync(model, g => g.SetAsync(spec));

    public Task<Rollout> PromoteAsync(string model) => ChangeRolloutAsync(model, g => g.PromoteAsync());

    public Task<Rollout> RollbackAsync(string model, string reason) => ChangeRolloutAsync(model, g => g.RollbackAsync(reason));

    public Task<RolloutComparison> CompareAsync(string model) => IdempotentCallAsync(() => RolloutOf(model).CompareAsync());

    // Pipelines' finals.

    public async IAsyncEnumerable<PipelineItem> WatchFinalsAsync(
        string pipeline, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!PipelineSpec.IsValidId(pipeline)
            || await IdempotentCallAsync(() => cluster.GetGrain<IPipelineGrain>(pipeline).GetAsync(), cancellationToken) is not { } spec
            || !Tenancy.MaySee(options.Value.Tenant, spec.Tenant))
        {
            throw new UnknownPipelineException(pipeline, $"Unknown pipeline '{pipeline}'.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (at, problem) = since is { } from ? FinalsCursor.Since(from.UtcDateTime, now) : (FinalsCursor.At(now), null);
        if (problem is not null)
        {
            throw new BadInputException(problem);
        }

        while (true)
        {
            var batch = await FinalsReader.ReadAsync(cluster, pipeline, at, FinalsReader.MaxItems, FinalsReader.Wait, time, cancellationToken);
            foreach (var item in batch.Items)
            {
                yield return item;
            }

            at = batch.Next;
        }
    }

    /// <summary>A change of a rollout, after which this client routes by the new rollout at once.</summary>
    private async Task<Rollout> ChangeRolloutAsync(string model, Func<IModelRolloutGrain, Task<Rollout>> change)
    {
        try
        {
            return await change(RolloutOf(model));
        }
        finally
        {
            rollouts.Invalidate(model);
        }
    }

    /// <summary>The typed exception for an item's error.</summary>
    internal static ArgusException ToException(InferenceError error) => error.Kind switch
    {
        ErrorKind.BadInput => new BadInputException(error.Message),
        ErrorKind.Overloaded => new OverloadedException(error.Message, TimeSpan.FromMilliseconds(error.RetryAfterMs ?? 1000)),
        ErrorKind.NotReady => new NotReadyException(error.Message),
        _ => new ArgusException(error.Message),
    };

    private static ItemResult Single(InferenceResponse response) =>
        response.Items[0].Error is { } error ? throw ToException(error) : response.Items[0];

    private TimeSpan Budget(TimeSpan? timeout)
    {
        var budget = timeout ?? options.Value.DefaultTimeout;
        return budget > TimeSpan.Zero && budget <= ClusterIdentity.MaxRequestTimeout
            ? budget
            : throw new ArgumentOutOfRangeException(nameof(timeout), budget, $"A timeout must be positive and at most {ClusterIdentity.MaxRequestTimeout}.");
    }

    private static Task<T> IdempotentCallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        SiloLossRetry.ExecuteAsync(_ => new ValueTask<T>(call()), cancellationToken).AsTask();

    private IBatchJobGrain Job(string id) => cluster.GetGrain<IBatchJobGrain>(id);

    private IModelRepositoryGrain Repository => cluster.GetGrain<IModelRepositoryGrain>(0);

    private IModelRolloutGrain RolloutOf(string model) => RolloutTable.GrainOf(cluster, model);

    private IDeviceGrain Grain(DeviceKey device) => cluster.GetGrain<IDeviceGrain>(device.ToString());

    /// <exception cref="BadInputException">No camera can have that id (Orleans would refuse some as grain keys).</exception>
    private ICameraGrain Camera(string camera) => cluster.GetGrain<ICameraGrain>(CameraId(camera));

    private static string CameraId(string camera) => CameraConfig.IsValidId(camera)
        ? camera
        : throw new BadInputException(
            $"'{camera}' is not a camera id: 1 to {CameraConfig.MaxIdLength} ASCII letters, digits, '-', '_' or '.'.");
}
