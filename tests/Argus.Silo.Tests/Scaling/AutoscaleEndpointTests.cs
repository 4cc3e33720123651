using System.Net.Http.Json;
using Argus.LocalCluster;
using Argus.Scaling;
using Argus.Silo.Tests.Telemetry;
using Argus.Testing;

namespace Argus.Silo.Tests.Scaling;

/// <summary>The autoscaler's decision at <c>/v1/autoscale</c> and <c>/metrics</c> of the secured silo (one sim device).</summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class AutoscaleEndpointTests(SecuredSiloFixture fixture)
{
    [Fact]
    public async Task The_decision_is_JSON_with_desired_current_and_the_reason_and_the_same_gauge_is_at_metrics()
    {
        var json = await fixture.Http!.GetStringAsync("v1/autoscale");
        var status = System.Text.Json.JsonSerializer.Deserialize<AutoscaleStatus>(json, LocalAutoscaler.Json)!;

        // The field KEDA's metrics-api trigger reads (deploy/k8s/scaling/keda: valueLocation desired).
        Assert.Contains("\"desired\":1", json);
        Assert.Equal((1, 1, 1, 10, 1, 8), (status.Desired, status.Current, status.MinSilos, status.MaxSilos, status.Devices, status.TargetInFlightPerDevice));
        Assert.Contains("holding 1", status.Reason);
        await Eventually.HoldsAsync(async () =>
        {
            var samples = PrometheusText.Parse(await fixture.Http.GetStringAsync("metrics"));
            return samples.Any(s => s.Name == "argus_autoscale_desired_replicas" && s.Value == 1)
                && samples.Any(s => s.Name == "argus_autoscale_current_replicas" && s.Value == 1);
        }, TimeSpan.FromSeconds(10), "the autoscaler's gauges at /metrics");
    }

    [Fact]
    public async Task Serving_load_shows_as_in_flight_items() =>
        await UnderLoadAsync("interactive", () => Eventually.HoldsAsync(async () => (await StatusAsync()).AverageInFlight > 1,
            TimeSpan.FromSeconds(20), "in-flight items in the autoscaler's average"));

    [Fact]
    public async Task Batch_lane_items_are_queued_but_never_counted_in_flight() =>
        await UnderLoadAsync("batch", () => Eventually.HoldsAsync(async () =>
        {
            // Depth and in-flight come from the same device report: batch items queued there, none of them in flight.
            var status = await StatusAsync();
            Assert.Equal(0, status.InFlight);
            return status.QueueDepth > 0;
        }, TimeSpan.FromSeconds(20), "batch-lane items queued at the device"));

    private async Task<AutoscaleStatus> StatusAsync() =>
        (await fixture.Http!.GetFromJsonAsync<AutoscaleStatus>("v1/autoscale", LocalAutoscaler.Json))!;

    /// <summary>Runs <paramref name="check"/> while twelve callers keep sending images in <paramref name="lane"/>.</summary>
    private async Task UnderLoadAsync(string lane, Func<Task> check)
    {
        using var content = new ByteArrayContent(TestData.Image("apple.jpg")) { Headers = { ContentType = new("image/jpeg") } };
        using var load = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                using var response = await fixture.Http!.PostAsync($"v1/models/resnet18/infer?lane={lane}", content);
            }
        })).ToArray();
        try
        {
            await check();
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(callers);
        }
    }
}
