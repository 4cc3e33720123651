namespace Argus.Models;

/// <summary>Where a model version's drift checks live.</summary>
public static class DriftMonitors
{
    /// <summary>The grain of <paramref name="model"/>'s <paramref name="version"/>.</summary>
    public static IDriftMonitorGrain GrainOf(IGrainFactory grains, string model, string version) =>
        grains.GetGrain<IDriftMonitorGrain>($"{model.ToLowerInvariant()}/{version}");

    /// <summary>The model and version of a monitor's key; a model name holds no '/'.</summary>
    public static (string Model, string Version) Parse(string key)
    {
        var slash = key.IndexOf('/');
        return slash > 0 && slash < key.Length - 1
            ? (key[..slash], key[(slash + 1)..])
            : throw new ArgumentException($"A drift monitor's key is '{{model}}/{{version}}', not '{key}'.", nameof(key));
    }
}
