using Argus.Cameras;
using Argus.Devices;
using Argus.Jobs;

namespace Argus.Client;

/// <summary>Runs images and tensors through the models of an Argus cluster, manages and watches its cameras, and runs batch jobs.</summary>
public interface IArgusClient
{
    /// <summary>
    /// Runs <paramref name="inputs"/> through <paramref name="model"/> on the device routing picks (the less loaded of
    /// two sampled devices). Every item succeeds or fails on its own; a failed item carries its error in
    /// <see cref="ItemResult.Error"/>. When the device's silo is lost mid-call, the call is retried on another device
    /// within the timeout; bad input is never retried.
    /// </summary>
    /// <exception cref="Argus.Errors.NoDeviceException">No device serves the model.</exception>
    /// <exception cref="Argus.Errors.InferenceTimeoutException">The timeout passed, retries included.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading its models.</exception>
    Task<InferenceResponse> InferAsync(
        string model, IReadOnlyList<InferenceInput> inputs, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs one encoded image through <paramref name="model"/> on the device routing picks, like <see cref="InferAsync(string, IReadOnlyList{InferenceInput}, Lane, TimeSpan?, CancellationToken)"/>.</summary>
    /// <exception cref="Argus.Errors.BadInputException">The image is unusable.</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The device cannot answer in time; retry after its <c>RetryAfter</c>.</exception>
    Task<ItemResult> InferImageAsync(
        string model, byte[] image, Lane lane = Lane.Interactive, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

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
}
