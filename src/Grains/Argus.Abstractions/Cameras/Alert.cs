using Argus.Devices;

namespace Argus.Cameras;

/// <summary>An alert a camera's rule raised, with its evidence.</summary>
/// <param name="Camera">The camera's id.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Kind">What the rule looks for.</param>
/// <param name="CapturedAt">When the frame that raised it was captured (UTC).</param>
/// <param name="RaisedAt">When it was raised (UTC).</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Score">The evidence's measure: the best region's score, or the cosine distance from the baseline.</param>
/// <param name="Detections">The regions that counted (detection rules), in the frame's pixels; empty otherwise.</param>
/// <param name="Sequence">The camera's alert number, from 1.</param>
/// <param name="Incident">
/// The path of its incident (<c>/v1/cameras/{camera}/incidents/{sequence}</c>) when the camera makes incident summaries;
/// null otherwise.
/// </param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.Alert")]
public sealed record Alert(
    [property: Id(0)] string Camera,
    [property: Id(1)] string Rule,
    [property: Id(2)] AlertRuleKind Kind,
    [property: Id(3)] DateTime CapturedAt,
    [property: Id(4)] DateTime RaisedAt,
    [property: Id(5)] string Message,
    [property: Id(6)] double Score,
    [property: Id(7)] IReadOnlyList<Detection> Detections,
    [property: Id(8)] long Sequence,
    [property: Id(9)] string? Incident = null)
{
    /// <summary>The path of alert <paramref name="sequence"/>'s incident on camera <paramref name="camera"/>.</summary>
    public static string IncidentPath(string camera, long sequence) => $"/v1/cameras/{camera}/incidents/{sequence}";
}
