namespace Argus.Models;

/// <summary>A model at one version.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Models.ModelVersionRef")]
public sealed record ModelVersionRef([property: Id(0)] string Name, [property: Id(1)] string Version)
{
    /// <summary>Whether this is <paramref name="model"/> at <paramref name="version"/>.</summary>
    public bool Is(string model, string version) =>
        string.Equals(Name, model, StringComparison.OrdinalIgnoreCase) && Version == version;

    /// <inheritdoc />
    public override string ToString() => $"{Name} v{Version}";
}
