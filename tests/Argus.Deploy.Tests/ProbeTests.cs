using System.Net;
using Argus.Testing;

namespace Argus.Deploy.Tests;

/// <summary>The probe paths of every overlay, asked of a real silo process.</summary>
public sealed class ProbeTests
{
    [Fact]
    public async Task Every_probe_path_answers_200_on_a_ready_silo()
    {
        var probes = new[] { "overlays/cpu", "overlays/gpu", "overlays/external-redis" }
            .Select(o => Kustomize.Render(o).Silo)
            .SelectMany(c => new[] { c.StartupProbe, c.ReadinessProbe, c.LivenessProbe })
            .ToList();
        var paths = probes.Select(p => p.HttpGet.Path).Distinct().ToList();
        using var authority = TestCertificateAuthority.Create("argus");
        await using var silo = await SiloProcess.StartAsync("probe-0", TestCertificateAuthority.SiloSettings(authority.Issue("silo")));
        using var http = silo.CreateHttpClient();

        Assert.All(probes, p => Assert.Equal(silo.BaseAddress.Scheme, p.HttpGet.Scheme.ToLowerInvariant()));
        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path.TrimStart('/'))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("no-such-probe")).StatusCode);
    }
}
