using Argus.Cameras;

namespace Argus.Grains.Cameras;

/// <summary>
/// An alert whose incident summary is still to be made, persisted with its camera until the summary is stored, so each
/// alert gets one summary even when the camera comes back on another silo.
/// </summary>
/// <param name="Alert">The alert's sequence number.</param>
/// <param name="Rule">The rule that raised it.</param>
/// <param name="CapturedAt">When the alerting frame was captured.</param>
/// <param name="RaisedAt">When the alert was raised (this silo's clock).</param>
/// <param name="Config">The incident configuration in force when it was raised.</param>
[GenerateSerializer, Immutable, Alias("Argus.Grains.Cameras.PendingIncident")]
internal sealed record PendingIncident(
    [property: Id(0)] long Alert,
    [property: Id(1)] string Rule,
    [property: Id(2)] DateTime CapturedAt,
    [property: Id(3)] DateTime RaisedAt,
    [property: Id(4)] IncidentConfig Config);

/// <summary>When an incident's summary is due, the frames it covers and the ring that keeps them, as pure functions.</summary>
internal static class IncidentWindow
{
    /// <summary>
    /// How long after the window's end (by this silo's clock) a summary waits for frames that do not come (the source
    /// ended, or the camera's silo was lost): then it is made of the frames there are.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>How long after its alert a summary's frames may still be run: the incident's deadline.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    /// <summary>How much more than the window the ring keeps, so frames a little early or late still fall in it.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>The window's start.</summary>
    public static DateTime From(PendingIncident incident) => incident.CapturedAt - TimeSpan.FromSeconds(incident.Config.BeforeS);

    /// <summary>The window's end.</summary>
    public static DateTime To(PendingIncident incident) => incident.CapturedAt + TimeSpan.FromSeconds(incident.Config.AfterS);

    /// <summary>
    /// True once a frame captured after the window's end has arrived (<paramref name="newest"/>), or the window ended
    /// <see cref="Patience"/> ago by the clock (<paramref name="now"/>).
    /// </summary>
    public static bool IsDue(PendingIncident incident, DateTime? newest, DateTime now) =>
        newest >= To(incident) || now >= incident.RaisedAt + TimeSpan.FromSeconds(incident.Config.AfterS) + Patience;

    /// <summary>A ring sized for <paramref name="config"/>: its frame and byte bounds, and the window's span plus <see cref="Slack"/>.</summary>
    public static FrameRing Ring(IncidentConfig config) =>
        new(config.RingFrames, config.RingMib * 1024L * 1024, TimeSpan.FromSeconds(config.BeforeS + config.AfterS) + Slack);
}
