namespace Argus.Models;

/// <summary>
/// What the model repository adds to and takes from the versions in the silos' configuration: every silo applies it
/// when it starts and whenever it changes, so a silo that starts later or restarts serves the same set.
/// </summary>
/// <param name="Generation">Grows with every change.</param>
/// <param name="Loaded">Versions loaded at run time, in the order they were loaded.</param>
/// <param name="Unloaded">Versions from configuration unloaded at run time.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.RepositoryState")]
public sealed record RepositoryState(
    [property: Id(0)] long Generation,
    [property: Id(1)] IReadOnlyList<ModelDefinition> Loaded,
    [property: Id(2)] IReadOnlyList<ModelVersionRef> Unloaded)
{
    /// <summary>The repository before any change.</summary>
    public static RepositoryState Empty { get; } = new(0, [], []);
}
