using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Jobs;
using Argus.Silo.Auth;
using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Http;

/// <summary>
/// Batch jobs: <c>POST /v1/jobs</c> (submit), <c>GET /v1/jobs</c> (every job's status), <c>GET /v1/jobs/{id}</c> and
/// <c>POST /v1/jobs/{id}/pause|resume|cancel</c>. Every answer is a job's status, its ETA in seconds (<c>eta_s</c>), but
/// <c>GET /v1/jobs/{id}/report</c>'s, an HTML page (<see cref="JobReportPage"/>). A job belongs to the tenant of the key
/// that submitted it, and is unknown (404) to keys of other tenants.
/// </summary>
internal static class JobEndpoints
{
    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/v1/jobs").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (UnknownJobException e)
            {
                return UnknownJob(e.Job);
            }
            catch (JobConflictException e)
            {
                return HttpErrors.V1(StatusCodes.Status409Conflict, "job_conflict", e.Message);
            }
            catch (BadInputException e)
            {
                return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, e.Message);
            }
            catch (Exception e) when (e is UnknownModelException or UnknownVersionException)
            {
                return HttpErrors.V1(StatusCodes.Status404NotFound, ErrorKind.UnknownModel, e.Message);
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                return HttpErrors.SiloLost("The job", e, context.HttpContext.Response);
            }
        });
        jobs.MapPost("", SubmitAsync);
        jobs.MapGet("", async (HttpContext context, IGrainFactory grains) =>
            Results.Json((await grains.ListJobStatusesAsync()).Where(s => Tenancy.MaySee(context.Tenant(), s.Spec.Tenant)).Select(JobView.Of)));
        jobs.MapGet("/{id}", (string id, HttpContext context, IGrainFactory grains) => CallAsync(id, context, grains, job => job.GetStatusAsync()));
        jobs.MapPost("/{id}/pause", (string id, HttpContext context, IGrainFactory grains) => CallAsync(id, context, grains, job => job.PauseAsync()));
        jobs.MapPost("/{id}/resume", (string id, HttpContext context, IGrainFactory grains) => CallAsync(id, context, grains, job => job.ResumeAsync()));
        jobs.MapPost("/{id}/cancel", (string id, HttpContext context, IGrainFactory grains) => CallAsync(id, context, grains, job => job.CancelAsync()));
        jobs.MapGet("/{id}/report", ReportAsync);
    }

    /// <summary>
    /// Reads a submission: a JSON object of the spec's fields in snake_case and an optional <c>id</c>. Every problem found
    /// is listed: the JSON's (an unknown or repeated field, a wrong type) and the spec's own.
    /// </summary>
    internal static Submission ReadSubmission(byte[] body, JsonSerializerOptions json)
    {
        var read = JsonFieldReader.ReadObject<JobSpec>(body, json, "id");
        List<string> problems = [.. read.Problems];
        var id = JsonFieldReader.ReadString(read, "id", problems);
        if (read.Value is not { } spec)
        {
            return Submission.Refused(problems);
        }

        problems.AddRange(JobSubmission.Problems(id, spec));
        return new Submission(id, spec, problems);
    }

    private static async Task<IResult> SubmitAsync(
        HttpRequest request, IGrainFactory grains, TimeProvider time, IOptions<JsonOptions> json, ArgusSiloOptions silo)
    {
        if (!request.HasJsonContentType())
        {
            return HttpErrors.V1(StatusCodes.Status415UnsupportedMediaType, ErrorKind.BadInput,
                $"Send the job's spec as application/json; got '{request.ContentType ?? "no content type"}'.");
        }

        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
        if (error is not null)
        {
            return error;
        }

        var submission = ReadSubmission(body!, json.Value.SerializerOptions);
        if (submission.Problems.Count > 0)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, JobSubmission.Describe(submission.Id, submission.Problems));
        }

        var id = submission.Id ?? JobSubmission.NewId(time.GetUtcNow().UtcDateTime);
        var job = grains.GetGrain<IBatchJobGrain>(id);
        var known = await StatusAsync(job);
        if (known is not null && !Tenancy.MaySee(request.HttpContext.Tenant(), known.Spec.Tenant))
        {
            // Ids are one space for every tenant: the id is taken, by whom is not said.
            return HttpErrors.V1(StatusCodes.Status409Conflict, "job_conflict", $"The job id '{id}' is taken; choose another.");
        }

        var (owner, refusal) = request.HttpContext.OwnerOf(submission.Spec!.Tenant, known?.Spec.Tenant);
        if (refusal is not null)
        {
            return refusal;
        }

        var view = JobView.Of(await job.SubmitAsync(submission.Spec with { Tenant = owner }));
        return known is not null ? Results.Json(view) : Results.Created($"/v1/jobs/{id}", view);
    }

    private static async Task<JobStatus?> StatusAsync(IBatchJobGrain job)
    {
        try
        {
            return await job.GetStatusAsync();
        }
        catch (UnknownJobException)
        {
            return null;
        }
    }

    /// <summary>Calls the job named in the route when the caller may see it (<see cref="SeesAsync"/>).</summary>
    private static async Task<IResult> CallAsync(string id, HttpContext context, IGrainFactory grains, Func<IBatchJobGrain, Task<JobStatus>> call) =>
        await SeesAsync(id, context, grains)
            ? Results.Json(JobView.Of(await call(grains.GetGrain<IBatchJobGrain>(id))))
            : UnknownJob(id);

    private static async Task<IResult> ReportAsync(
        string id, HttpContext context, IGrainFactory grains, TimeProvider time, IOptions<JsonOptions> json)
    {
        if (!await SeesAsync(id, context, grains))
        {
            return UnknownJob(id);
        }

        var report = await grains.GetGrain<IJobReportGrain>(id).GetReportAsync(context.RequestAborted);
        return HtmlPage.Result(context.Response, JobReportPage.Render(report, json.Value.SerializerOptions, time.GetUtcNow().UtcDateTime));
    }

    /// <summary>
    /// Whether the caller may see the job named in the route: an id no job can have is unknown without asking a grain,
    /// and another tenant's job is unknown too.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    private static async Task<bool> SeesAsync(string id, HttpContext context, IGrainFactory grains) =>
        JobSpec.IsValidId(id) && context.Sees((await grains.GetGrain<IBatchJobGrain>(id).GetStatusAsync()).Spec.Tenant);

    private static IResult UnknownJob(string id) =>
        HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_job", $"Unknown job '{id}'.");

    /// <summary>A read submission: its id (null: generate one) and spec, or the problems that refuse it.</summary>
    internal sealed record Submission(string? Id, JobSpec? Spec, IReadOnlyList<string> Problems)
    {
        public static Submission Refused(params IReadOnlyList<string> problems) => new(null, null, problems);
    }

    /// <summary>A job's status as the HTTP API shows it: <see cref="JobStatus"/> with the ETA in seconds.</summary>
    internal sealed record JobView(
        string Id, JobState State, bool IsFinished, JobSpec Spec, string OutputFolder,
        long ItemsTotal, long ItemsSucceeded, long ItemsFailed, int ShardsTotal, int ShardsDone, int ShardsLeased,
        double ItemsPerSecond, double? EtaS, IReadOnlyDictionary<string, long> Failures,
        DateTime SubmittedAt, DateTime? FinishedAt, string? Error, DateTime? NextRunAt, IReadOnlyList<string> Runs)
    {
        public static JobView Of(JobStatus s) => new(
            s.Id, s.State, s.IsFinished, s.Spec, s.OutputFolder,
            s.ItemsTotal, s.ItemsSucceeded, s.ItemsFailed, s.ShardsTotal, s.ShardsDone, s.ShardsLeased,
            s.ItemsPerSecond, s.Eta?.TotalSeconds, s.Failures,
            s.SubmittedAt, s.FinishedAt, s.Error, s.NextRunAt, s.Runs);
    }
}
