using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Argus.Testing;

namespace Argus.Silo.Tests.Telemetry;

/// <summary>/metrics of the secured silo after real requests and camera frames: Argus' instruments with their labels.</summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class MetricsTests(SecuredSiloFixture fixture)
{
    private HttpClient Http => fixture.Http!;

    private static readonly (string, string)[] Resnet18OnSim =
        [("model", "resnet18"), ("version", "1"), ("device", "sim0"), ("device_kind", "sim")];

    private async Task<IReadOnlyList<Sample>> ScrapeAsync() => PrometheusText.Parse(await Http.GetStringAsync("metrics"));

    private async Task<HttpStatusCode> InferAsync(byte[] image, string lane)
    {
        using var content = new ByteArrayContent(image) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
        using var response = await Http.PostAsync($"v1/models/resnet18/infer?lane={lane}", content);
        return response.StatusCode;
    }

    private static double Value(IReadOnlyList<Sample> samples, string name, params (string, string)[] labels) =>
        samples.Where(s => s.Name == name && s.Has(labels)).Sum(s => s.Value);

    [Fact]
    public async Task Requests_show_as_items_by_outcome_durations_and_batches_labelled_by_model_version_device_kind_and_lane()
    {
        var before = await ScrapeAsync();
        (string, string)[] realtime = [.. Resnet18OnSim, ("lane", "realtime")];
        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => InferAsync(TestData.Image("apple.jpg"), "realtime")));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.BadRequest, await InferAsync(TestData.TruncatedJpeg(), "realtime"));

        var after = await ScrapeAsync();
        double Delta(string name, params (string, string)[] labels) => Value(after, name, labels) - Value(before, name, labels);

        Assert.Equal(6, Delta("argus_inference_items_total", [.. realtime, ("outcome", "success")]));
        Assert.Equal(1, Delta("argus_inference_items_total", [.. realtime, ("outcome", "failure"), ("reason", "bad_input")]));
        Assert.Equal(7, Delta("argus_inference_duration_seconds_count", realtime));
        foreach (var histogram in new[] { "argus_inference_queue_duration_seconds", "argus_inference_compute_duration_seconds", "argus_inference_preprocess_duration_seconds" })
        {
            Assert.Equal(6, Delta($"{histogram}_count", realtime));
        }

        // The textbook GPU takes 20 ms for one image: compute time is in seconds, never in milliseconds.
        var compute = Delta("argus_inference_compute_duration_seconds_sum", realtime) / 6;
        Assert.InRange(compute, 0.015, 0.5);
        var batches = Delta("argus_inference_batch_size_count", realtime);
        Assert.InRange(batches, 1, 6);
        Assert.Equal(6, Delta("argus_inference_batch_size_sum", realtime)); // every image rode in exactly one batch
    }

    [Fact]
    public async Task Queue_depth_has_a_series_per_model_and_lane_and_the_device_its_busy_time_and_utilization()
    {
        Assert.Equal(HttpStatusCode.OK, await InferAsync(TestData.Image("baboon.jpg"), "interactive"));
        var samples = await ScrapeAsync();

        foreach (var model in new[] { "resnet18", "text-direction", "text-detection" })
        {
            foreach (var lane in new[] { "realtime", "interactive", "batch" })
            {
                var depth = Assert.Single(samples, s => s.Name == "argus_inference_queue_depth" && s.Has(("model", model), ("lane", lane)));
                Assert.Equal("sim0", depth.Labels["device"]);
                Assert.Equal("sim", depth.Labels["device_kind"]);
                Assert.True(depth.Labels.ContainsKey("version"));
                Assert.Equal(0, depth.Value); // nothing waits once every request was answered
            }
        }

        var busy = Assert.Single(samples, s => s.Name == "argus_device_busy_time_seconds_total");
        Assert.True(busy.Has(("device", "sim0"), ("device_kind", "sim")));
        Assert.True(busy.Value > 0.015, $"busy {busy.Value} s after a 20 ms batch");
        var utilization = Assert.Single(samples, s => s.Name == "argus_device_utilization");
        Assert.InRange(utilization.Value, 0, 1);
    }

    [Fact]
    public async Task Camera_frames_are_counted_by_camera_and_outcome()
    {
        const string camera = "metrics-door";
        using var config = new StringContent("""{"models": ["resnet18"], "target_fps": 5, "latency_target_ms": 2000}""", Encoding.UTF8, "application/json");
        Assert.True((await Http.PutAsync($"v1/cameras/{camera}", config)).IsSuccessStatusCode);
        try
        {
            var start = DateTime.UtcNow;
            await PushAsync(camera, start);                            // analysed
            await PushAsync(camera, start.AddMilliseconds(50));        // too soon for 5 fps: skipped
            await PushAsync(camera, start.AddMilliseconds(-1000));     // older than the newest: stale, dropped

            await Eventually.HoldsAsync(async () =>
            {
                var samples = await ScrapeAsync();
                return Value(samples, "argus_camera_frames_total", ("camera", camera), ("outcome", "analysed")) == 1
                    && Value(samples, "argus_camera_frame_duration_seconds_count", ("camera", camera)) == 1;
            }, TimeSpan.FromSeconds(20), "the analysed frame in /metrics");
            var after = await ScrapeAsync();
            Assert.Equal(1, Value(after, "argus_camera_frames_total", ("camera", camera), ("outcome", "skipped")));
            Assert.Equal(1, Value(after, "argus_camera_frames_total", ("camera", camera), ("outcome", "dropped")));
        }
        finally
        {
            await Http.DeleteAsync($"v1/cameras/{camera}");
        }
    }

    [Fact]
    public async Task Traces_and_metrics_go_to_the_configured_otlp_endpoint()
    {
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Otlp.MetricExports > 0), TimeSpan.FromSeconds(20), "a metrics export over OTLP");
    }

    private async Task PushAsync(string camera, DateTime capturedAt)
    {
        using var content = new ByteArrayContent(TestData.Image("apple.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
        content.Headers.Add("X-Argus-Captured-At", capturedAt.ToString("O"));
        using var response = await Http.PostAsync($"v1/cameras/{camera}/frames", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
