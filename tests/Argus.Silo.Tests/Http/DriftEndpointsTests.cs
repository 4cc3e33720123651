using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// Drift checks end to end on a real silo serving ResNet18: the reference is a folder of opencv-doc photos (inferred by
/// the silo itself), every answered item is sampled, and vtest.avi's frames sent to <c>POST /v1/models/resnet18/infer</c>
/// raise the alarm that <c>GET /v1/models/resnet18/drift</c> and <c>/metrics</c> show.
/// </summary>
public sealed class DriftEndpointsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Size = 20;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("argus-drift-");
    private SiloProcess? _silo;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        foreach (var photo in DriftData.HalfA)
        {
            File.Copy(Path.Combine(TestData.ImagesDir, photo), Path.Combine(_folder.FullName, photo));
        }

        _silo = await SiloProcess.StartAsync("drift-0", new Dictionary<string, string>
        {
            ["Argus__Drift__Enabled"] = "true",
            ["Argus__Drift__SampleShare"] = "1",
            ["Argus__Drift__ReferenceSize"] = $"{Size}",
            ["Argus__Drift__WindowSize"] = $"{Size}",
            ["Argus__Drift__AlarmAfter"] = "2",
            ["Argus__Drift__References__0__Model"] = "resnet18",
            ["Argus__Drift__References__0__Folder"] = _folder.FullName,
        }, TimeSpan.FromSeconds(120));
        _http = new HttpClient { BaseAddress = _silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _folder.Delete(recursive: true);
    }

    private async Task<JsonObject?> DriftAsync() =>
        (JsonNode.Parse(await _http!.GetStringAsync("v1/models/resnet18/drift"))!.AsArray().SingleOrDefault())?.AsObject();

    private async Task InferAsync(byte[] jpeg)
    {
        using var content = new ByteArrayContent(jpeg) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
        using var response = await _http!.PostAsync("v1/models/resnet18/infer", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Street_video_frames_raise_the_drift_alarm_against_a_folder_of_photos_shown_by_the_api_and_the_metrics()
    {
        using (var unknown = await _http!.GetAsync("v1/models/no-such-model/drift"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("unknown_model", await unknown.Content.ReadAsStringAsync());
        }

        var frames = DriftData.VideoFrames(3 * Size);
        var sent = 0;
        JsonObject? status = null;
        await Eventually.HoldsAsync(async () =>
        {
            await InferAsync(frames[sent++ % frames.Count]);
            status = await DriftAsync();
            return status?["alarm_raised"]!.GetValue<bool>() == true;
        }, TimeSpan.FromMinutes(4), "the drift alarm on resnet18");

        output.WriteLine($"Alarm after {sent} frames: {status}");
        Assert.Equal(("1", "mmd", "folder", _folder.FullName), (V<string>(status!, "version"), V<string>(status!, "statistic"),
            V<string>(status!, "reference_source"), V<string>(status!, "reference_folder")));
        Assert.Equal((Size, Size), (V<int>(status!, "reference_size"), V<int>(status!, "window_size")));
        Assert.True(V<double>(status!, "p_value") < V<double>(status!, "alpha"), $"{status}");
        Assert.True(V<int>(status!, "drifting_windows") >= 2 && V<long>(status!, "checks_run") >= 2, $"{status}");

        // Every frame sent is a sample once flushed; the folder's own images, inferred by the monitor, are none.
        await Eventually.HoldsAsync(async () => V<long>((await DriftAsync())!, "samples") == sent, TimeSpan.FromSeconds(30),
            $"the {sent} frames sent to be the samples");

        var metrics = PrometheusText.Parse(await _http.GetStringAsync("metrics"));
        (string, string)[] labels = [("model", "resnet18"), ("version", "1")];
        var pValue = Assert.Single(metrics, s => s.Name == "argus_drift_p_value" && s.Has(labels));
        Assert.True(pValue.Value < 0.05, $"argus_drift_p_value {pValue.Value}");
        Assert.Single(metrics, s => s.Name == "argus_drift_score" && s.Has(labels));
        Assert.Equal(1, metrics.Single(s => s.Name == "argus_drift_alarms_total" && s.Has(labels)).Value);
        Assert.Contains("ALERT drift on model resnet18 version 1", _silo!.Log);

        // The rollout's comparison (argus model compare) shows it beside the versions' figures.
        var comparison = JsonNode.Parse(await _http.GetStringAsync("v1/models/resnet18/rollout"))!;
        Assert.True(comparison["drift"]!.AsArray().Single()!["alarm_raised"]!.GetValue<bool>(), comparison.ToJsonString());
    }

    private static T V<T>(JsonObject status, string name) => status[name]!.GetValue<T>();
}
