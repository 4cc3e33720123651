using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Argus.Testing;

namespace Argus.Silo.Tests.Telemetry;

/// <summary>A request's trace, as the secured silo exports it over OTLP to the test's receiver.</summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class TracingTests(SecuredSiloFixture fixture)
{
    [Fact]
    public async Task A_request_is_traced_from_http_through_the_device_grain_call_to_its_batch()
    {
        // The caller starts the trace (W3C traceparent), as a traced service calling Argus would.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/models/resnet18/infer")
        {
            Content = new ByteArrayContent(TestData.Image("apple.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } },
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await fixture.Http!.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        ReceivedSpan[] trace = [];
        await Eventually.HoldsAsync(() =>
        {
            trace = [.. fixture.Otlp.Spans.Where(s => s.TraceId == traceId)];
            return Task.FromResult(trace.Any(s => s.Name == "argus.batch") && trace.Any(s => s.Scope == "Microsoft.AspNetCore"));
        }, TimeSpan.FromSeconds(20), "the request's spans over OTLP");

        var batch = Assert.Single(trace, s => s.Name == "argus.batch");
        Assert.Equal("resnet18", batch.Attributes["argus.model"]);
        Assert.Equal("sim", batch.Attributes["argus.device.kind"]);
        Assert.Equal("1", batch.Attributes["argus.batch.size"]);

        // Walk up from the batch: the device grain's call (Orleans' server span, then its client span), then HTTP.
        var ancestors = new List<ReceivedSpan>();
        for (var span = batch; trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId) is { } parent; span = parent)
        {
            ancestors.Add(parent);
        }

        var names = string.Join(" ← ", ancestors.Select(a => $"{a.Scope}:{a.Name}"));
        var grainCall = ancestors.FindIndex(a => a.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.Name.Contains("InferAsync"));
        var http = ancestors.FindIndex(a => a.Scope == "Microsoft.AspNetCore");
        Assert.True(grainCall >= 0, $"no Orleans span of IDeviceGrain.InferAsync above the batch: {names}");
        Assert.True(http > grainCall, $"the HTTP span is not above the grain call: {names}");
        Assert.Equal("POST /v1/models/{model}/infer", ancestors[http].Name);
    }
}
