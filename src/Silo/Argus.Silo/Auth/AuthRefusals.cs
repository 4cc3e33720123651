using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;
using Argus.Silo.Http;

namespace Argus.Silo.Auth;

/// <summary>
/// Every refusal of a caller, answered in its API's error body and counted on the <see cref="ArgusTelemetry.MeterName"/>
/// meter as <c>argus.auth.refusals</c> (<c>argus_auth_refusals_total{status, reason}</c> at <c>/metrics</c>): 401 without
/// a key (<see cref="NoKey"/>) or with a wrong one (<see cref="BadKey"/>), 403 for a key without the role
/// (<see cref="Role"/>) or acting for another tenant (<see cref="Tenant"/>), and 404 for another tenant's camera or job,
/// which a caller is not told exists (<see cref="Tenant"/>).
/// </summary>
internal sealed class AuthRefusals
{
    /// <summary>No key was presented.</summary>
    public const string NoKey = "no_key";

    /// <summary>The key presented is none of the held keys.</summary>
    public const string BadKey = "bad_key";

    /// <summary>The key lacks the role the endpoint needs.</summary>
    public const string Role = "role";

    /// <summary>The camera or job belongs to another tenant, or the caller asked to act for one.</summary>
    public const string Tenant = "tenant";

    private readonly Counter<long> _refusals;

    public AuthRefusals(IMeterFactory meters) =>
        _refusals = meters.Create(ArgusTelemetry.MeterName).CreateCounter<long>(
            "argus.auth.refusals", "{request}", "Requests refused by status (401, 403, 404) and reason: no_key, bad_key, role, tenant.");

    /// <summary>Counts a refusal answered elsewhere (a 404 that hides another tenant's camera or job).</summary>
    public void Count(int status, string reason) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a refusal and answers it: <c>unauthorized</c> (401) or <c>forbidden</c> (403) with <paramref name="message"/>.</summary>
    public IResult Refuse(HttpContext context, int status, string reason, string message)
    {
        Count(status, reason);
        return HttpErrors.OfApi(context.Request.Path, status, status == StatusCodes.Status401Unauthorized ? "unauthorized" : "forbidden", message);
    }
}
