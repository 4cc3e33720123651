using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Client;
using Argus.Devices;
using Argus.Errors;

namespace Argus.Bench.Soak;

/// <summary>How a call ended, as its caller saw it.</summary>
internal enum Outcome
{
    /// <summary>A result.</summary>
    Ok,

    /// <summary>An explicit refusal for load: HTTP 429, or the SDK's overloaded or timed-out answer, with its reason.</summary>
    Overloaded,

    /// <summary>An explicit "not now": HTTP 503, or the SDK's not-ready or no-device answer, with its reason.</summary>
    Unavailable,

    /// <summary>An explicit 4xx other than 429, with its reason.</summary>
    ClientError,

    /// <summary>HTTP 500 (or another 5xx but 503).</summary>
    ServerError,

    /// <summary>The connection was refused or cut: the silo the caller talked to went away.</summary>
    Connection,

    /// <summary>An SDK exception that is none of the documented answers.</summary>
    Unexplained,

    /// <summary>No answer by the caller's hard cut-off (the call's deadline plus a grace).</summary>
    Hung,
}

/// <summary>One interactive call: when it started (seconds into the load), how long it took, its outcome and why.</summary>
/// <param name="Silo">The slot of the silo an HTTP call went to; null for the SDK, which the cluster routes.</param>
internal sealed record Call(double Start, double Ms, string Channel, Outcome Outcome, string Detail, int? Silo);

/// <summary>
/// Sends one interactive call over HTTP or the SDK and classifies what came back. Each call carries a deadline
/// (<see cref="Deadline"/>); a caller that hears nothing by <see cref="HardCut"/> gives up and records a hang.
/// </summary>
internal static class SoakCalls
{
    /// <summary>The deadline every call asks for.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When a caller stops waiting: the deadline plus 10 s for a loaded machine and for a silo that must first notice its
    /// peer is gone (membership probes: about 2 s here, more under load).
    /// </summary>
    public static readonly TimeSpan HardCut = TimeSpan.FromSeconds(15);

    private static readonly MediaTypeHeaderValue Jpeg = new("image/jpeg");

    public static async Task<(Outcome, string)> HttpAsync(HttpClient http, Uri silo, string model, byte[] image)
    {
        using var cut = new CancellationTokenSource(HardCut);
        try
        {
            using var content = new ByteArrayContent(image) { Headers = { ContentType = Jpeg } };
            var uri = new Uri(silo, $"v1/models/{model}/infer?timeout_ms={Deadline.TotalMilliseconds:F0}");
            using var response = await http.PostAsync(uri, content, cut.Token);
            var body = await response.Content.ReadAsStringAsync(cut.Token);
            var status = (int)response.StatusCode;
            var reason = $"{status} {Reason(body)}";
            return status switch
            {
                200 when body.Contains("\"error\"", StringComparison.Ordinal) => (Outcome.ServerError, $"200 with an item error: {Reason(body)}"),
                200 => (Outcome.Ok, "200"),
                429 => (Outcome.Overloaded, reason),
                503 => (Outcome.Unavailable, reason),
                >= 400 and < 500 => (Outcome.ClientError, reason),
                _ => (Outcome.ServerError, reason),
            };
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            return (Outcome.Hung, $"no answer in {HardCut.TotalSeconds:F0} s");
        }
        catch (HttpRequestException e)
        {
            return (Outcome.Connection, e.HttpRequestError.ToString());
        }
    }

    public static async Task<(Outcome, string)> SdkAsync(IArgusClient client, string model, byte[] image)
    {
        var call = client.InferAsync(model, [InferenceInput.FromImage(image)], Lane.Interactive, Deadline);
        if (await Task.WhenAny(call, Task.Delay(HardCut)) != call)
        {
            _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed, so a late failure is not unobserved
            return (Outcome.Hung, $"no answer in {HardCut.TotalSeconds:F0} s");
        }

        try
        {
            var response = await call;
            return response.Items is [{ Error: { } error }]
                ? (error.Kind switch
                {
                    ErrorKind.Overloaded => Outcome.Overloaded,
                    ErrorKind.NotReady => Outcome.Unavailable,
                    ErrorKind.BadInput or ErrorKind.UnknownModel => Outcome.ClientError,
                    _ => Outcome.ServerError,
                }, $"item error {error.Kind}: {Short(error.Message)}")
                : (Outcome.Ok, "ok");
        }
        catch (Exception e) when (e is OverloadedException or InferenceTimeoutException)
        {
            return (Outcome.Overloaded, $"{e.GetType().Name}: {Short(e.Message)}");
        }
        catch (Exception e) when (e is NotReadyException or NoDeviceException)
        {
            return (Outcome.Unavailable, $"{e.GetType().Name}: {Short(e.Message)}");
        }
        catch (Exception e) when (e is BadInputException or UnknownModelException)
        {
            return (Outcome.ClientError, $"{e.GetType().Name}: {Short(e.Message)}");
        }
        catch (Exception e)
        {
            return (Outcome.Unexplained, $"{e.GetType().Name}: {Short(e.Message)}");
        }
    }

    /// <summary>The v1 error body's code and message, or the start of the body.</summary>
    private static string Reason(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return $"{error.GetProperty("code").GetString()}: {Short(error.GetProperty("message").GetString() ?? "")}";
            }
        }
        catch (JsonException)
        {
            // not a v1 error body
        }

        return Short(body);
    }

    /// <summary>A message cut to one short line, so that errors group by kind in the report.</summary>
    internal static string Short(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length > 120 ? line[..120] + "…" : line;
    }
}
