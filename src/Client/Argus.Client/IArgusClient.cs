using Argus.Cameras;
using Argus.Devices;
using Argus.Jobs;
using Argus.Models;
using Argus.Pipelines;

namespace Argus.Client;

/// <summary>
/// Runs images and tensors through the models of an Argus cluster, manages and watches its cameras, runs batch jobs, and
/// loads model versions and rolls them out, and runs two-tier pipelines.
/// </summary>
public interface IArgusClient
{
    /// <summary>
    /// Runs <paramref name="inputs"/> through <paramref name="model"/> at <paramref name="version"/>, or else at the
    /// version the model's rollout gives <paramref name="routeKey"/>, on the device routing picks (the less loaded of
    /// two sampled devices). Every item succeeds or fails on its own; a failed item carries its error in
    /// <see cref="ItemResult.Error"/>. When the device's silo is lost mid-call, the call is retried on another device
    /// within the timeout; bad input is never retried.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The items.</param>
    /// <param name="lane">The priority lane.</param>
    /// <param name="timeout">The call's budget, retries included; default <see cref="ArgusClientOptions.DefaultTimeout"/>.</param>
    /// <param name="version">The version to run; null lets the model's rollout choose (its stable version, or its canary for a share of keys).</param>
    /// <param name="routeKey">
    /// What keeps calls on one version under a canary (a user's or a camera's id): the same key always lands on the same
    /// version while the canary's share holds. Null: the hash of the first input.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="Argus.Errors.NoDeviceException">No device serves the model.</exception>
    /// <exception cref="Argus.Errors.UnknownVersionException">No device serves <paramref name="version"/> of the model.</exception>
    /// <exception cref="Argus.Errors.InferenceTimeoutException">The timeout passed, retries included.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading its models.</exception>
    Task<InferenceResponse> InferAsync(
        string model, IReadOnlyList<InferenceInput> inputs, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, string? version = null, string? routeKey = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one encoded image through <paramref name="model"/> on the device routing picks, like
    /// <see cref="InferAsync(string, IReadOnlyList{InferenceInput}, Lane, TimeSpan?, string?, string?, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The image is unusable.</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The device cannot answer in time; retry after its <c>RetryAfter</c>.</exception>
    /// <exception cref="Argus.Errors.UnknownVersionException">No device serves <paramref name="version"/> of the model.</exception>
    Task<ItemResult> InferImageAsync(
        string model, byte[] image, Lane lane = Lane.Interactive, TimeSpan? timeout = null,
        string? version = null, string? routeKey = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="inputs"/> on one named device, without routing or retries.</summary>
    /// <exception cref="Argus.Errors.UnknownModelException">The device has no such model.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading its models.</exception>
    Task<InferenceResponse> InferAsync(
        DeviceKey device, string model, IReadOnlyList<InferenceInput> inputs, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs one encoded image on one named device and returns its result.</summary>
    /// <exception cref="Argus.Errors.BadInputException">The image is unusable.</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The device cannot answer in time; retry after its <c>RetryAfter</c>.</exception>
    Task<ItemResult> InferImageAsync(
        DeviceKey device, string model, byte[] image, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>The cluster's devices with their models and load, as routing sees them.</summary>
    Task<IReadOnlyList<DeviceLoad>> GetDevicesAsync(CancellationToken cancellationToken = default);

    /// <summary>What a device is, what it has loaded and how busy it is.</summary>
    Task<DeviceStatus> GetDeviceStatusAsync(DeviceKey device);

    /// <summary>
    /// Adds camera <paramref name="camera"/>, or changes its configuration, at run time without disturbing other cameras.
    /// A file or RTSP source is read by a connector on the camera's silo; a <c>push</c> camera gets its frames from
    /// <see cref="PushFrameAsync"/>.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The id or configuration is invalid; the message lists every problem.</exception>
    Task ConfigureCameraAsync(string camera, CameraConfig config);

    /// <summary>Removes a camera: its connector stops and its state is cleared. Removing an unknown camera does nothing.</summary>
    Task RemoveCameraAsync(string camera);

    /// <summary>Every configured camera's id, sorted.</summary>
    Task<IReadOnlyList<string>> ListCamerasAsync();

    /// <summary>A camera's configuration, or null when it is not configured.</summary>
    Task<CameraConfig?> GetCameraAsync(string camera);

    /// <summary>A camera's statistics: frames received, analysed, dropped and skipped, latency percentiles, achieved fps.</summary>
    Task<CameraStats> GetCameraStatsAsync(string camera);

    /// <summary>A camera's most recent alerts, oldest first (at most 100).</summary>
    Task<IReadOnlyList<Alert>> GetRecentAlertsAsync(string camera);

    /// <summary>
    /// Offers a camera one encoded frame captured at <paramref name="capturedAt"/> (UTC; default now). Returns at once with
    /// what became of it; the analysis runs in the cluster.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The capture time lies more than a minute ahead of the silo's clock.</exception>
    Task<FrameOutcome> PushFrameAsync(string camera, byte[] image, DateTime? capturedAt = null);

    /// <summary>
    /// The camera's alerts as they are raised, from the moment the enumeration starts until it is cancelled (which ends
    /// it with an <see cref="OperationCanceledException"/>). A caller that falls behind by more than
    /// 1024 alerts loses the oldest of them.
    /// </summary>
    IAsyncEnumerable<Alert> WatchAlertsAsync(string camera, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits a batch job: every item of <see cref="JobSpec.Input"/> through <see cref="JobSpec.Model"/>, written under
    /// <see cref="JobSpec.Output"/>. Submitting the same spec under the same id again returns the job's status, so a retried
    /// submit is harmless. The job calls of this client are retried when a silo is lost, as each of them is idempotent.
    /// </summary>
    /// <param name="id">The job's id (see <see cref="JobSpec.IsValidId"/>); null generates one, e.g. <c>job-20261130-011500-3fa2</c>.</param>
    /// <param name="spec">What the job runs; its paths must be absolute, as the silos see them.</param>
    /// <returns>The job's status; its <see cref="JobStatus.Id"/> names it in the other job calls.</returns>
    /// <exception cref="Argus.Errors.BadInputException">The id or spec is invalid; the message lists every problem.</exception>
    /// <exception cref="Argus.Errors.JobConflictException">A job with this id exists with another spec.</exception>
    /// <exception cref="Argus.Errors.UnknownModelException">The cluster has devices and none serves the model.</exception>
    Task<JobStatus> SubmitJobAsync(string? id, JobSpec spec);

    /// <summary>A job's progress: its state, items and shards done and failed, items per second, ETA, failures by reason.</summary>
    /// <exception cref="Argus.Errors.UnknownJobException">No job has this id.</exception>
    Task<JobStatus> GetJobAsync(string id);

    /// <summary>Every job's status, in id order (a schedule's runs are jobs of their own, <c>{job}-{yyyyMMddTHHmmss}</c>).</summary>
    Task<IReadOnlyList<JobStatus>> ListJobsAsync();

    /// <summary>Pauses a job: no new shard is handed out, shards in progress run again on resume. Pausing a paused job does nothing.</summary>
    /// <exception cref="Argus.Errors.UnknownJobException">No job has this id.</exception>
    /// <exception cref="Argus.Errors.JobConflictException">The job has finished, or is a schedule.</exception>
    Task<JobStatus> PauseJobAsync(string id);

    /// <summary>Resumes a paused job. Resuming a running job does nothing.</summary>
    /// <exception cref="Argus.Errors.UnknownJobException">No job has this id.</exception>
    /// <exception cref="Argus.Errors.JobConflictException">The job has finished.</exception>
    Task<JobStatus> ResumeJobAsync(string id);

    /// <summary>Stops a job for good (a schedule starts no more runs); shards written stay written. Cancelling a finished job does nothing.</summary>
    /// <exception cref="Argus.Errors.UnknownJobException">No job has this id.</exception>
    Task<JobStatus> CancelJobAsync(string id);

    /// <summary>
    /// A job's status now and then every <paramref name="period"/> (default 1 s), ending after the first status that
    /// <see cref="JobStatus.IsFinished"/> (completed, cancelled or failed). A schedule or a job that watches its folder
    /// runs until cancelled, and so does its enumeration; cancelling the token ends it with an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownJobException">No job has this id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    IAsyncEnumerable<JobStatus> WatchJobAsync(string id, TimeSpan? period = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A job's report: one self-contained HTML page of its state and spec, throughput over time, batch sizes, top classes,
    /// failures by reason with examples and the slowest items, over the shards written so far. It comes from the silos'
    /// HTTP API (<see cref="ArgusClientOptions.Api"/>, <c>GET /v1/jobs/{id}/report</c>), where a key sees its tenant's jobs.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownJobException">No job this client may see has this id.</exception>
    Task<string> GetJobReportAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Loads a version of <paramref name="model"/> on every silo, now and on any silo that starts later; it takes calls
    /// once it is warm. A version that fails to load on any silo is unloaded from the others. Loading an equal definition
    /// again does nothing, so this call is retried when a silo is lost.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="definitionJson">
    /// The version as a JSON object in the shape of an <c>Argus:Inference:Models</c> entry, with its <c>version</c>; its
    /// files are resolved under the silos' <c>Argus:Inference:ModelRoot</c>.
    /// </param>
    /// <returns>How each silo applied it.</returns>
    /// <exception cref="Argus.Errors.BadInputException">The definition is not such an object, lacks its version, its files leave the model root, or it does not load (the reason per silo).</exception>
    /// <exception cref="Argus.Errors.ModelConflictException">The version is already defined differently.</exception>
    Task<RepositoryChange> LoadModelAsync(string model, string definitionJson);

    /// <summary>
    /// Unloads a version from every silo, each first answering the items it holds; a canary or shadow version leaves
    /// the rollout first.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownModelException">No silo serves any version of the model.</exception>
    /// <exception cref="Argus.Errors.UnknownVersionException">No silo serves the version.</exception>
    /// <exception cref="Argus.Errors.ModelConflictException">It is the stable version of the model's rollout.</exception>
    Task<RepositoryChange> UnloadModelAsync(string model, string version);

    /// <summary>What the model repository adds to and takes from the versions the silos are configured with.</summary>
    Task<RepositoryState> GetRepositoryAsync();

    /// <summary>The model's rollout: stable, canary and shadow versions with their shares, and its latest changes.</summary>
    Task<Rollout> GetRolloutAsync(string model);

    /// <summary>
    /// Sets the model's rollout; this client routes by it at once, other callers within a second or two.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">A percent outside 0–100, or a canary or shadow equal to stable.</exception>
    /// <exception cref="Argus.Errors.UnknownVersionException">A version no device serves.</exception>
    Task<Rollout> SetRolloutAsync(string model, RolloutSpec spec);

    /// <summary>Makes the canary stable; the old stable version stays loaded and answers calls that name it.</summary>
    /// <exception cref="Argus.Errors.ModelConflictException">The model has no canary.</exception>
    Task<Rollout> PromoteAsync(string model);

    /// <summary>Takes the canary out of the rollout: every key goes back to stable.</summary>
    /// <exception cref="Argus.Errors.ModelConflictException">The model has no canary.</exception>
    Task<Rollout> RollbackAsync(string model, string reason);

    /// <summary>
    /// The model's versions compared over the rollout's window, every caller's figures together: items, error rate,
    /// latency percentiles, copies run and dropped, and agreement with stable on the same inputs.
    /// </summary>
    Task<RolloutComparison> CompareAsync(string model);

    // Pipelines' finals.

    /// <summary>
    /// The items of <paramref name="pipeline"/> as they become final (or fail, or are re-scored by a backfill), in the
    /// order of its finals log, from the minute of <paramref name="since"/> (default now) on, until cancelled (which ends
    /// it with an <see cref="OperationCanceledException"/>). A read lost with a silo is made again from where the
    /// enumeration stands, so nothing is skipped; an item may come twice when its own grain was lost as it was logged.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownPipelineException">No pipeline this client may see has that id.</exception>
    /// <exception cref="Argus.Errors.BadInputException"><paramref name="since"/> lies over 7 days back or ahead of the cluster's clock.</exception>
    IAsyncEnumerable<Argus.Pipelines.PipelineItem> WatchFinalsAsync(string pipeline, DateTimeOffset? since = null, CancellationToken cancellationToken = default);
    // Two-tier pipelines, over the silos' HTTP API (ArgusClientOptions.Api): their rules live at the door. Every call
    // throws UnknownPipelineException for a pipeline that does not exist or that the API key's tenant may not see.

    /// <summary>
    /// Creates pipeline <paramref name="id"/> or replaces its spec; items already submitted keep the spec they were
    /// submitted with.
    /// </summary>
    /// <returns>The spec as stored, its tenant set from the API key's.</returns>
    /// <exception cref="Argus.Errors.BadInputException">The id or spec is invalid (models not served, labels the models lack, thresholds outside 0–1…); the message lists every problem.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The silo is still loading the models the rules are checked against.</exception>
    Task<PipelineSpec> PutPipelineAsync(string id, PipelineSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or replaces pipeline <paramref name="id"/> from its spec as a JSON object of snake_case fields (a
    /// <c>spec.json</c>), as sent: the silo's reader lists every problem, an unknown or misspelt field included.
    /// </summary>
    /// <returns>The spec as stored, its tenant set from the API key's.</returns>
    /// <exception cref="Argus.Errors.BadInputException">The JSON, the id or the spec is invalid; the message lists every problem.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The silo is still loading the models the rules are checked against.</exception>
    Task<PipelineSpec> PutPipelineAsync(string id, string specJson, CancellationToken cancellationToken = default);

    /// <summary>A pipeline's spec.</summary>
    /// <exception cref="Argus.Errors.UnknownPipelineException">No such pipeline.</exception>
    Task<PipelineSpec> GetPipelineAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every pipeline the API key may see, in id order.</summary>
    Task<IReadOnlyList<PipelineView>> ListPipelinesAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a pipeline; false when there was none.</summary>
    Task<bool> DeletePipelineAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits one image to a pipeline: the fast tier decides it at once (<see cref="PipelineItem.Provisional"/>) and,
    /// if the pipeline's rule sends it there, the heavy tier later (<see cref="PipelineItem.Final"/>). Submitting under an
    /// item id already known answers that item and infers nothing, so a retried submit is harmless.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="image">The encoded image (JPEG, PNG, BMP or WebP).</param>
    /// <param name="item">The item's id, its idempotency key; null: the silo makes one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="Argus.Errors.BadInputException">The item id is invalid, or the image is unusable (the item is then stored as failed, with the reason).</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The fast tier cannot answer in time, or the tenant's rate is spent; nothing was stored, retry after its <c>RetryAfter</c>.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The fast model is still loading; nothing was stored.</exception>
    Task<PipelineItem> SubmitAsync(string pipeline, byte[] image, string? item = null, CancellationToken cancellationToken = default);

    /// <summary>Submits one image read from <paramref name="image"/>, like <see cref="SubmitAsync(string, byte[], string?, CancellationToken)"/>.</summary>
    Task<PipelineItem> SubmitAsync(string pipeline, Stream image, string? item = null, CancellationToken cancellationToken = default);

    /// <summary>An item as stored: its state, provisional and final results, the finals a backfill replaced, or why it failed.</summary>
    /// <exception cref="Argus.Errors.UnknownPipelineItemException">The pipeline has no such item.</exception>
    Task<PipelineItem> GetItemAsync(string pipeline, string item, CancellationToken cancellationToken = default);

    /// <summary>
    /// The items submitted to a pipeline in a window, in the order (submitted, id), page after page until the last.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="state">Only items in this state; null: all.</param>
    /// <param name="from">The window's start on submit time; null: an hour before <paramref name="to"/>.</param>
    /// <param name="to">The window's end; null: now. The window spans at most 7 days.</param>
    /// <param name="limit">Entries fetched per page, 1 to 1000; null: 100.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="Argus.Errors.BadInputException">The window or limit is out of bounds; the message lists every problem.</exception>
    IAsyncEnumerable<PipelineItemEntry> ListItemsAsync(
        string pipeline, PipelineItemState? state = null, DateTime? from = null, DateTime? to = null, int? limit = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts re-scoring a pipeline's items submitted in a window with <paramref name="model"/> at <paramref name="version"/>:
    /// each item gets a new final result, the old one kept in <see cref="PipelineItem.Superseded"/>. Starting a backfill
    /// under an id it already has answers its status.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="version">The model version to re-score with.</param>
    /// <param name="model">The model; null: the pipeline's heavy model.</param>
    /// <param name="from">The window's start on submit time; null: no lower bound.</param>
    /// <param name="to">The window's end; null: now.</param>
    /// <param name="id">The backfill's id; null: the silo makes one.</param>
    /// <param name="cancellationToken">Cancels the call (not the backfill).</param>
    /// <exception cref="Argus.Errors.BadInputException">The version is not served, or the window is reversed; the message lists every problem.</exception>
    Task<BackfillStatus> StartBackfillAsync(
        string pipeline, string version, string? model = null, DateTime? from = null, DateTime? to = null, string? id = null,
        CancellationToken cancellationToken = default);

    /// <summary>A backfill's progress.</summary>
    /// <exception cref="Argus.Errors.UnknownBackfillException">The pipeline has no such backfill.</exception>
    Task<BackfillStatus> GetBackfillAsync(string pipeline, string backfill, CancellationToken cancellationToken = default);

    /// <summary>The pipeline's backfills.</summary>
    Task<IReadOnlyList<BackfillStatus>> ListBackfillsAsync(string pipeline, CancellationToken cancellationToken = default);

    /// <summary>Stops a backfill; the items it re-scored keep their new result. Cancelling a finished backfill does nothing.</summary>
    /// <exception cref="Argus.Errors.UnknownBackfillException">The pipeline has no such backfill.</exception>
    Task<BackfillStatus> CancelBackfillAsync(string pipeline, string backfill, CancellationToken cancellationToken = default);

    /// <summary>
    /// A backfill's status now and then every <paramref name="period"/> (default 1 s), ending after the first that
    /// <see cref="BackfillStatus.IsFinished"/>; cancelling the token ends it with an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownBackfillException">The pipeline has no such backfill.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    IAsyncEnumerable<BackfillStatus> WatchBackfillAsync(string pipeline, string backfill, TimeSpan? period = null, CancellationToken cancellationToken = default);
}
