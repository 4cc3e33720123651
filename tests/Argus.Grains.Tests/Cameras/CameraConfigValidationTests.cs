using Argus.Cameras;
using Argus.Devices;
using Argus.Grains.Cameras;
using Argus.Inference.Models;
using Argus.Inference.Storage;

namespace Argus.Grains.Tests.Cameras;

public sealed class CameraConfigValidationTests
{
    private static readonly Dictionary<string, ModelTask> Served = new(StringComparer.OrdinalIgnoreCase)
    {
        ["resnet18"] = ModelTask.Embedding,
        ["text-detection"] = ModelTask.Detection,
    };

    private static readonly CameraConfig Good = new()
    {
        Models = ["resnet18", "text-detection"],
        Rules =
        [
            new AlertRule("change", AlertRuleKind.SceneChange, "resnet18", 0.3, 2, 3),
            new AlertRule("text", AlertRuleKind.Detection, "text-detection", 0.7, 1, 1),
        ],
    };

    private static readonly ILookup<string, string> Versions =
        new[] { ("resnet18", "1"), ("text-detection", "4"), ("text-detection", "5") }.ToLookup(v => v.Item1, v => v.Item2, StringComparer.OrdinalIgnoreCase);

    private static IReadOnlyList<string> Problems(CameraConfig config, string camera = "gate-1") =>
        CameraConfigValidation.Validate(camera, config, Served, Versions, new StorageOptions());

    [Fact]
    public void A_good_configuration_has_no_problems()
    {
        Assert.Empty(Problems(Good));
        Assert.Empty(Problems(Good with { Models = ["RESNET18"], Rules = [] }));
    }

    [Theory]
    [InlineData("team-a", true)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData("../x", false)]
    public void A_tenant_is_a_plain_name(string tenant, bool valid) =>
        Assert.Equal(valid, !Problems(Good with { Tenant = tenant }).Any(p => p.StartsWith("tenant", StringComparison.Ordinal)));

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("gate 1")]
    [InlineData("ünïcode")]
    public void Ids_are_short_and_plain(string camera) =>
        Assert.Contains(Problems(Good, camera), p => p.Contains("camera id"));

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var bad = new CameraConfig
        {
            Source = "ftp://nowhere",
            Models = ["resnet18", "text-detection", "nope", "resnet18"],
            TargetFps = 0,
            MaxInFlight = 0,
            LatencyTargetMs = -1,
            Lane = (Lane)7,
            Rules =
            [
                new AlertRule("a", AlertRuleKind.Detection, "resnet18", 0.5, 1, 1),
                new AlertRule("a", AlertRuleKind.SceneChange, "text-detection", 3, 4, 2),
                new AlertRule("", AlertRuleKind.SceneChange, "elsewhere", 0.2, 0, 101),
            ],
        };

        var problems = Problems(bad);

        Assert.Collection(problems,
            p => Assert.StartsWith("source:", p),
            p => Assert.Contains("unknown model 'nope'", p),
            p => Assert.Contains("named twice", p),
            p => Assert.StartsWith("target_fps", p),
            p => Assert.StartsWith("max_in_flight", p),
            p => Assert.StartsWith("latency_target_ms", p),
            p => Assert.StartsWith("lane", p),
            p => Assert.Contains("'a' is used twice", p),
            p => Assert.Contains("the task of 'resnet18' is embedding", p),
            p => Assert.Contains("the task of 'text-detection' is detection", p),
            p => Assert.Contains("at most 2 for a scene_change rule", p),
            p => Assert.Contains("K 4, N 2", p),
            p => Assert.Equal("rules: every rule needs a name.", p),
            p => Assert.Contains("'elsewhere' is not among the camera's models", p),
            p => Assert.Contains("K 0, N 101", p));
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(0.0009)]
    public void A_target_rate_whose_gap_between_frames_is_no_time_span_is_refused(double fps)
    {
        Assert.StartsWith("target_fps must be at least 0.001", Assert.Single(Problems(Good with { TargetFps = fps })));
        Assert.Empty(Problems(Good with { TargetFps = CameraConfigValidation.MinFps }));
    }

    [Fact]
    public void An_incident_names_a_served_model_and_version_and_bounded_windows_and_ring()
    {
        Assert.Empty(Problems(Good with { Incident = new IncidentConfig { Model = "TEXT-DETECTION", Version = "5", BeforeS = 30, AfterS = 0 } }));
        Assert.Empty(Problems(Good with { Incident = new IncidentConfig { Model = "resnet18", RingFrames = 1000, RingMib = 256 } }));

        var problems = Problems(Good with
        {
            Incident = new IncidentConfig { Model = "text-detection", Version = "9", BeforeS = 30.5, AfterS = double.NaN, RingFrames = 0, RingMib = 257 },
        }, camera: "..");

        Assert.Collection(problems,
            p => Assert.Contains("incident: the camera id '..' cannot name", p), // a camera may be called that without incidents
            p => Assert.Equal("incident.version: 'text-detection' has no version '9' (served: 4, 5).", p),
            p => Assert.StartsWith("incident.before_s must be between 0 and 30", p),
            p => Assert.StartsWith("incident.after_s must be between 0 and 30 (is NaN)", p),
            p => Assert.StartsWith("incident.ring_frames must be between 1 and 1000", p),
            p => Assert.StartsWith("incident.ring_mib must be between 1 and 256", p));
        Assert.Contains("incident.model: unknown model 'nope'", Assert.Single(Problems(Good with { Incident = new IncidentConfig { Model = "nope" } })));
        Assert.Contains("incident.model: unknown model ''", Assert.Single(Problems(Good with { Incident = new IncidentConfig { Model = null! } })));
    }

    [Fact]
    public void A_video_source_must_be_a_file_that_exists_or_a_stream_url()
    {
        Assert.Empty(Problems(Good with { Source = Path.Combine(Argus.Testing.TestData.ImagesDir, "vtest.avi") }));
        Assert.Empty(Problems(Good with { Source = "rtsp://camera.local/stream1" }));

        var absent = Path.Combine(Path.GetTempPath(), "argus-no-such-video.avi");
        var missing = Assert.Single(Problems(Good with { Source = absent }));
        Assert.Equal($"source: The video file '{absent}' is missing from the camera roots (Argus:Storage:CameraRoots). Or 'push' for frames sent to the camera.", missing);
        Assert.Contains("scheme 'ftp'", Assert.Single(Problems(Good with { Source = "ftp://camera.local/x" })));
    }

    [Theory]
    [InlineData("/etc/passwd", "lies outside the camera roots")]
    [InlineData("file:///etc/passwd", "lies outside the camera roots")]
    [InlineData("/dev/video0", "lies outside the camera roots")]
    [InlineData("/tmp/../etc/passwd", "'..' segment")]
    [InlineData("data:video/avi;base64,AAAA", "scheme 'data' is not supported")]
    [InlineData("concat:/tmp/a.avi|/etc/passwd", "scheme 'concat' is not supported")]
    [InlineData("subfile,,start,0,end,0,,:/etc/passwd", "scheme 'subfile' is not supported")]
    public void A_video_file_must_lie_inside_the_camera_roots_and_other_schemes_are_refused(string source, string reason) =>
        Assert.Contains(reason, Assert.Single(Problems(Good with { Source = source })));

    [Fact]
    public void Missing_lists_are_problems_not_crashes()
    {
        var problems = Problems(new CameraConfig { Models = null!, Rules = null! });

        Assert.Contains(problems, p => p.StartsWith("models:"));
        Assert.Contains(problems, p => p.StartsWith("rules:"));
    }
}
