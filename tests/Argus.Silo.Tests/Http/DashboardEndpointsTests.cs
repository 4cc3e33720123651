using System.Net;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>The Orleans dashboard, whose pages a silo builds on the first request for one (<c>DashboardEndpoints</c>).</summary>
public sealed class DashboardEndpointsTests
{
    [Fact]
    public async Task The_first_dashboard_requests_made_together_are_all_answered_and_its_own_routes_still_refuse()
    {
        await using var silo = await SiloProcess.StartAsync("dashboard-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
        });
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        string[] pages = ["dashboard", "dashboard/", "dashboard/index.min.js", "dashboard/index.css", "dashboard/version", "dashboard/ClusterStats"];
        var answers = await Task.WhenAll(pages.Select(async page =>
        {
            using var response = await http.GetAsync(page);
            return (page, response.StatusCode, Length: (await response.Content.ReadAsByteArrayAsync()).Length);
        }));

        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.OK && a.Length > 0, $"{a.page}: {(int)a.StatusCode}, {a.Length} bytes"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("dashboard/no-such-page")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("dashboard/ClusterStats", content: null)).StatusCode);
    }
}
