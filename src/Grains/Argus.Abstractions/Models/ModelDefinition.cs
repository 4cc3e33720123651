namespace Argus.Models;

/// <summary>
/// A model version loaded at run time through the model repository: its definition is the JSON of one
/// <c>Argus:Inference:Models</c> entry (file, preprocessing, task, batching, warm-up), so a version is written the
/// same way in configuration and in a load request. Its files are resolved under the silos' model root.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version.</param>
/// <param name="Json">The entry, a JSON object; its <c>Name</c> and <c>Version</c>, when present, equal the two above.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.ModelDefinition")]
public sealed record ModelDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Json)
{
    /// <summary>The model and version it defines.</summary>
    public ModelVersionRef Ref => new(Name, Version);
}
