using System.Globalization;
using Argus.Cameras;
using Argus.Devices;
using Argus.Inference.Models;
using Argus.Inference.Storage;
using Argus.Inference.Video;

namespace Argus.Grains.Cameras;

/// <summary>Every problem of a camera's id and configuration, so a caller learns them all at once.</summary>
internal static class CameraConfigValidation
{
    /// <summary>The most models one camera may run per frame.</summary>
    public const int MaxModels = 8;

    /// <summary>The most rules one camera may have.</summary>
    public const int MaxRules = 16;

    /// <summary>The longest rule window.</summary>
    public const int MaxWindow = 100;

    /// <summary>The highest target rate.</summary>
    public const double MaxFps = 120;

    /// <summary>
    /// The lowest target rate, a frame every 1000 s: the gate waits 1 / fps between frames, and a rate just above 0
    /// (1e-300) made that wait no TimeSpan, so every frame pushed after the first failed with an OverflowException.
    /// </summary>
    public const double MinFps = 0.001;

    /// <summary>The most analyses one camera may have in flight.</summary>
    public const int MaxInFlight = 16;

    /// <summary>The most seconds of frames an incident takes before, and after, its alert.</summary>
    public const double MaxIncidentSeconds = 30;

    /// <summary>The most frames a camera keeps for incidents.</summary>
    public const int MaxRingFrames = 1000;

    /// <summary>The most MiB of frames a camera keeps for incidents.</summary>
    public const int MaxRingMib = 256;

    /// <summary>
    /// The problems of <paramref name="config"/> for camera <paramref name="camera"/>, given the models the cluster
    /// serves and their tasks (and <paramref name="versions"/>, each model's versions); empty when it is valid. A video file
    /// must exist on this silo (silos share their files), inside <paramref name="storage"/>'s camera roots.
    /// </summary>
    public static IReadOnlyList<string> Validate(
        string camera, CameraConfig config, IReadOnlyDictionary<string, ModelTask> models, ILookup<string, string> versions, StorageOptions storage)
    {
        List<string> failures = [];
        if (!CameraConfig.IsValidId(camera))
        {
            failures.Add($"The camera id '{camera}' must be 1 to {CameraConfig.MaxIdLength} letters, digits, '-', '_' or '.'.");
        }

        if (Tenancy.Problem("tenant", config.Tenant) is { } tenant)
        {
            failures.Add(tenant);
        }

        if (config.Source != CameraConfig.PushSource)
        {
            try
            {
                VideoFrameSource.Validate(config.Source ?? "", storage);
            }
            catch (ArgumentException e)
            {
                var reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                failures.Add($"source: {reason} Or '{CameraConfig.PushSource}' for frames sent to the camera.");
            }
        }

        if (config.Models is not { Count: > 0 and <= MaxModels })
        {
            failures.Add($"models: name 1 to {MaxModels} models (has {config.Models?.Count ?? 0}).");
        }

        var cameraModels = config.Models ?? [];
        foreach (var model in cameraModels.Where(m => !models.ContainsKey(m ?? "")).Distinct())
        {
            failures.Add($"models: unknown model '{model}' (served: {string.Join(", ", models.Keys.Order(StringComparer.Ordinal))}).");
        }

        if (cameraModels.Count != cameraModels.Distinct(StringComparer.OrdinalIgnoreCase).Count())
        {
            failures.Add("models: a model is named twice.");
        }

        if (!(config.TargetFps >= MinFps && config.TargetFps <= MaxFps))
        {
            failures.Add(Invariant($"target_fps must be at least {MinFps} and at most {MaxFps} (is {config.TargetFps})."));
        }

        if (config.MaxInFlight is < 1 or > MaxInFlight)
        {
            failures.Add($"max_in_flight must be between 1 and {MaxInFlight} (is {config.MaxInFlight}).");
        }

        if (!(config.LatencyTargetMs > 0 && config.LatencyTargetMs <= ClusterIdentity.MaxRequestTimeout.TotalMilliseconds))
        {
            failures.Add(Invariant($"latency_target_ms must be above 0 and at most {ClusterIdentity.MaxRequestTimeout.TotalMilliseconds} (is {config.LatencyTargetMs})."));
        }

        if (!Enum.IsDefined(config.Lane))
        {
            failures.Add($"lane {config.Lane} is unknown: use realtime, interactive or batch.");
        }

        if (config.Rules is null)
        {
            failures.Add("rules: give a list (empty for none).");
        }

        var rules = config.Rules ?? [];
        if (rules.Count > MaxRules)
        {
            failures.Add($"rules: at most {MaxRules} (has {rules.Count}).");
        }

        foreach (var name in rules.GroupBy(r => r?.Name).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            failures.Add($"rules: the name '{name}' is used twice.");
        }

        foreach (var rule in rules)
        {
            failures.AddRange(ValidateRule(rule, cameraModels, models));
        }

        if (config.Incident is { } incident)
        {
            failures.AddRange(ValidateIncident(camera, incident, models, versions));
        }

        return failures;
    }

    private static IEnumerable<string> ValidateIncident(
        string camera, IncidentConfig incident, IReadOnlyDictionary<string, ModelTask> models, ILookup<string, string> versions)
    {
        if (camera is "." or "..")
        {
            yield return $"incident: the camera id '{camera}' cannot name its incidents' folder.";
        }

        if (!models.ContainsKey(incident.Model ?? ""))
        {
            yield return $"incident.model: unknown model '{incident.Model}' (served: {string.Join(", ", models.Keys.Order(StringComparer.Ordinal))}).";
        }
        else if (incident.Version is { } version && !versions[incident.Model!].Contains(version, StringComparer.Ordinal))
        {
            yield return $"incident.version: '{incident.Model}' has no version '{version}' (served: {string.Join(", ", versions[incident.Model!])}).";
        }

        if (!(incident.BeforeS >= 0 && incident.BeforeS <= MaxIncidentSeconds))
        {
            yield return Invariant($"incident.before_s must be between 0 and {MaxIncidentSeconds} (is {incident.BeforeS}).");
        }

        if (!(incident.AfterS >= 0 && incident.AfterS <= MaxIncidentSeconds))
        {
            yield return Invariant($"incident.after_s must be between 0 and {MaxIncidentSeconds} (is {incident.AfterS}).");
        }

        if (incident.RingFrames is < 1 or > MaxRingFrames)
        {
            yield return $"incident.ring_frames must be between 1 and {MaxRingFrames} (is {incident.RingFrames}).";
        }

        if (incident.RingMib is < 1 or > MaxRingMib)
        {
            yield return $"incident.ring_mib must be between 1 and {MaxRingMib} (is {incident.RingMib}).";
        }
    }

    private static IEnumerable<string> ValidateRule(AlertRule? rule, IReadOnlyList<string> cameraModels, IReadOnlyDictionary<string, ModelTask> models)
    {
        if (rule is null)
        {
            yield return "rules: a rule is empty.";
            yield break;
        }

        var at = $"rule '{rule.Name}'";
        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            yield return "rules: every rule needs a name.";
        }

        if (!cameraModels.Contains(rule.Model, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{at}: its model '{rule.Model}' is not among the camera's models.";
        }
        else if (models.TryGetValue(rule.Model ?? "", out var task) && task != Needs(rule.Kind))
        {
            yield return $"{at}: a {Name(rule.Kind)} rule reads a model of task {Needs(rule.Kind).ToString().ToLowerInvariant()}; the task of '{rule.Model}' is {task.ToString().ToLowerInvariant()}.";
        }

        var maxThreshold = rule.Kind == AlertRuleKind.SceneChange ? 2 : 1;
        if (!Enum.IsDefined(rule.Kind))
        {
            yield return $"{at}: unknown kind {rule.Kind}: use detection or scene_change.";
        }
        else if (!(rule.Threshold > 0 && rule.Threshold <= maxThreshold))
        {
            yield return Invariant($"{at}: threshold must be above 0 and at most {maxThreshold} for a {Name(rule.Kind)} rule (is {rule.Threshold}).");
        }

        if (rule.N is < 1 or > MaxWindow || rule.K < 1 || rule.K > rule.N)
        {
            yield return $"{at}: needs 1 ≤ K ≤ N ≤ {MaxWindow} (is K {rule.K}, N {rule.N}).";
        }
    }

    private static ModelTask Needs(AlertRuleKind kind) => kind == AlertRuleKind.SceneChange ? ModelTask.Embedding : ModelTask.Detection;

    private static string Name(AlertRuleKind kind) => kind == AlertRuleKind.SceneChange ? "scene_change" : "detection";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
