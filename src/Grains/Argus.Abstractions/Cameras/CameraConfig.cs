using Argus.Devices;

namespace Argus.Cameras;

/// <summary>What a camera is and how it is analysed. Changing it at run time disturbs no other camera.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.CameraConfig")]
public sealed record CameraConfig
{
    /// <summary>
    /// Where frames come from: a video file path (<c>/data/gate.avi</c> or <c>file:///data/gate.avi</c>), an
    /// <c>rtsp://</c> URL, both read by a connector on the camera's silo, or <c>push</c> for frames sent through
    /// <c>POST /v1/cameras/{id}/frames</c> or the SDK. Default <c>push</c>.
    /// </summary>
    [Id(0)] public string Source { get; init; } = PushSource;

    /// <summary>The models every analysed frame runs through, e.g. <c>resnet18</c> (embedding) and <c>text-detection</c>.</summary>
    [Id(1)] public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Frames analysed per second at most; frames arriving faster are skipped (and counted). Default 5.</summary>
    [Id(2)] public double TargetFps { get; init; } = 5;

    /// <summary>Frames analysed at once at most; a newer frame replaces one waiting for its turn (latest wins). Default 1.</summary>
    [Id(3)] public int MaxInFlight { get; init; } = 1;

    /// <summary>The capture-to-result latency target, ms: each frame's deadline. Default 200.</summary>
    [Id(4)] public double LatencyTargetMs { get; init; } = 200;

    /// <summary>The alert rules evaluated on each analysed frame.</summary>
    [Id(5)] public IReadOnlyList<AlertRule> Rules { get; init; } = [];

    /// <summary>The lane the camera's frames take on the devices. Default <see cref="Lane.Realtime"/>.</summary>
    [Id(6)] public Lane Lane { get; init; } = Lane.Realtime;

    /// <summary>For a video file: start again at its end instead of stopping. Default false.</summary>
    [Id(7)] public bool Loop { get; init; }

    /// <summary>
    /// The tenant the camera belongs to: its frames are inferred for it, and only its keys (and keys without a tenant) see
    /// the camera. Set from the configuring key's tenant; a key without a tenant may name one. Null: no tenant's.
    /// </summary>
    [Id(8)] public string? Tenant { get; init; }

    /// <summary>
    /// The incident summary each alert triggers (<see cref="IncidentConfig"/>): the frames around it run through a model in
    /// the batch lane. Null: alerts only.
    /// </summary>
    [Id(9)] public IncidentConfig? Incident { get; init; }

    /// <summary>The <see cref="Source"/> of a camera whose frames are pushed to it.</summary>
    public const string PushSource = "push";

    /// <summary>The longest camera id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// Whether <paramref name="id"/> can name a camera: 1 to 64 ASCII letters, digits, '-', '_' or '.', safe in a URL
    /// path, a grain key and a stream key.
    /// </summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>What an alert rule looks for.</summary>
public enum AlertRuleKind
{
    /// <summary>A region of a detection model scored at least <see cref="AlertRule.Threshold"/> in K of the last N frames.</summary>
    Detection,

    /// <summary>
    /// The scene changed: the frame's embedding lies at a cosine distance of at least <see cref="AlertRule.Threshold"/>
    /// from the camera's running baseline in K of the last N frames.
    /// </summary>
    SceneChange,
}

/// <summary>One alert rule of a camera, e.g. "text region with score ≥ 0.7 in 3 of the last 5 frames".</summary>
/// <param name="Name">The rule's name, carried by its alerts.</param>
/// <param name="Kind">What it looks for.</param>
/// <param name="Model">The model whose output it reads (a detection model, or an embedding model for a scene change).</param>
/// <param name="Threshold">The score (detection) or cosine distance (scene change) that counts a frame as a hit.</param>
/// <param name="K">Hits needed …</param>
/// <param name="N">… among the last N analysed frames.</param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.AlertRule")]
public sealed record AlertRule(
    [property: Id(0)] string Name,
    [property: Id(1)] AlertRuleKind Kind,
    [property: Id(2)] string Model,
    [property: Id(3)] double Threshold,
    [property: Id(4)] int K,
    [property: Id(5)] int N);
