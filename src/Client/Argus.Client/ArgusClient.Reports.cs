using static Argus.Client.ArgusHttp;

namespace Argus.Client;

/// <summary>Job reports, over the silos' HTTP API (<see cref="ArgusHttp"/>): the page is the silos' own.</summary>
internal sealed partial class ArgusClient
{
    public async Task<string> GetJobReportAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.SendCheckedAsync(
            new(HttpMethod.Get, $"v1/jobs/{Uri.EscapeDataString(id)}/report"), Subject.OfJob(id), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
