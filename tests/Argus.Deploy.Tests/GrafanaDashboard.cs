using System.Text.Json.Nodes;
using Argus.Testing;

namespace Argus.Deploy.Tests;

/// <summary>deploy/grafana/argus.json, the Grafana dashboard of docs/DEPLOY.md.</summary>
internal static class GrafanaDashboard
{
    /// <summary>What the dashboard must show (the list), by a metric of each.</summary>
    public static readonly string[] Required =
    [
        "argus_inference_duration_seconds_bucket", "argus_inference_queue_depth", "argus_device_busy_time_seconds_total",
        "http_server_request_duration_seconds_count", "argus_tenant_throttled_total", "argus_camera_frame_duration_seconds_bucket",
        "argus_job_items_total", "argus_autoscale_desired_replicas",
    ];

    public static JsonNode Json { get; } = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepoRoot, "deploy", "grafana", "argus.json")))!;

    /// <summary>Every panel with queries, rows' nested panels included.</summary>
    public static IEnumerable<JsonNode> Panels() => Json["panels"]!.AsArray()
        .SelectMany(p => p!["type"]!.GetValue<string>() == "row" ? p["panels"]!.AsArray().AsEnumerable() : Enumerable.Repeat(p, 1))
        .Select(p => p!);

    public static IEnumerable<string> Queries(JsonNode panel) =>
        (panel["targets"]?.AsArray() ?? []).Select(t => t!["expr"]!.GetValue<string>());
}
