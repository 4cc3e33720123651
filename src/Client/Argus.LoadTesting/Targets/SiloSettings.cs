using Argus.Inference.Models;
using Microsoft.Extensions.Configuration;

namespace Argus.LoadTesting.Targets;

/// <summary>A silo's inference settings read from its <c>appsettings.json</c>, so an in-process model loads as the silo's does.</summary>
public static class SiloSettings
{
    /// <summary>The <c>Argus:Inference</c> section of <paramref name="appsettingsPath"/> and its model <paramref name="model"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidOperationException">No inference section, or no such model in it.</exception>
    public static (InferenceOptions Inference, ModelOptions Model) Read(string appsettingsPath, string model)
    {
        if (!File.Exists(appsettingsPath))
        {
            throw new FileNotFoundException($"No silo settings at {appsettingsPath}.", appsettingsPath);
        }

        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(appsettingsPath), optional: false).Build();
        var inference = configuration.GetSection(InferenceOptions.Section).Get<InferenceOptions>()
            ?? throw new InvalidOperationException($"{appsettingsPath} has no {InferenceOptions.Section} section.");
        var options = inference.Models.FirstOrDefault(m => m.Name == model)
            ?? throw new InvalidOperationException($"{appsettingsPath} declares no model '{model}' (it has {string.Join(", ", inference.Models.Select(m => m.Name))}).");
        return (inference, options);
    }
}
