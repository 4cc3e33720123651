using Argus.Devices;

namespace Argus.Cameras;

/// <summary>Where an alert's incident summary stands.</summary>
public enum IncidentState
{
    /// <summary>Waiting for the frames after the alert, or being made.</summary>
    Pending,

    /// <summary>Made: its summary and frames are stored.</summary>
    Ready,
}

/// <summary>An alert's incident: pending until its summary is made, then ready with it.</summary>
/// <param name="Camera">The camera's id.</param>
/// <param name="Alert">The alert's sequence number.</param>
/// <param name="State">Pending or ready.</param>
/// <param name="Summary">The summary once ready; null while pending.</param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.Incident")]
public sealed record Incident(
    [property: Id(0)] string Camera,
    [property: Id(1)] long Alert,
    [property: Id(2)] IncidentState State,
    [property: Id(3)] IncidentSummary? Summary);

/// <summary>What the summary model made of the frames around an alert.</summary>
/// <param name="Camera">The camera's id.</param>
/// <param name="Alert">The alert's sequence number.</param>
/// <param name="Rule">The rule that raised it.</param>
/// <param name="CapturedAt">When the alerting frame was captured (UTC).</param>
/// <param name="Model">The summary model.</param>
/// <param name="Version">The version that answered; null when no frame was run.</param>
/// <param name="From">The window's start: <see cref="CapturedAt"/> less the seconds before.</param>
/// <param name="To">The window's end: <see cref="CapturedAt"/> plus the seconds after.</param>
/// <param name="FramesBefore">Frames captured before the alerting frame (fewer than the window holds where the ring had lost them).</param>
/// <param name="FramesAfter">Frames captured at or after it.</param>
/// <param name="Frames">Every frame of the window the camera still had, oldest first.</param>
/// <param name="MadeAt">When the summary was made (UTC).</param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.IncidentSummary")]
public sealed record IncidentSummary(
    [property: Id(0)] string Camera,
    [property: Id(1)] long Alert,
    [property: Id(2)] string Rule,
    [property: Id(3)] DateTime CapturedAt,
    [property: Id(4)] string Model,
    [property: Id(5)] string? Version,
    [property: Id(6)] DateTime From,
    [property: Id(7)] DateTime To,
    [property: Id(8)] int FramesBefore,
    [property: Id(9)] int FramesAfter,
    [property: Id(10)] IReadOnlyList<IncidentFrame> Frames,
    [property: Id(11)] DateTime MadeAt);

/// <summary>One frame of an incident and the summary model's result for it.</summary>
/// <param name="File">The frame's file beside the summary, e.g. <c>frame-0007.jpg</c>, as the camera received it.</param>
/// <param name="CapturedAt">When it was captured (UTC).</param>
/// <param name="OffsetMs">Its capture time less the alerting frame's, ms: negative before the alert.</param>
/// <param name="Result">The model's result (detections, classes or embedding), or its error.</param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.IncidentFrame")]
public sealed record IncidentFrame(
    [property: Id(0)] string File,
    [property: Id(1)] DateTime CapturedAt,
    [property: Id(2)] double OffsetMs,
    [property: Id(3)] ItemResult Result);
