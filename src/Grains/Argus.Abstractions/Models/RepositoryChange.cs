namespace Argus.Models;

/// <summary>The answer to a load or unload: the version, and how every active silo applied it.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Silos">Each active silo's outcome.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.RepositoryChange")]
public sealed record RepositoryChange(
    [property: Id(0)] string Model,
    [property: Id(1)] string Version,
    [property: Id(2)] IReadOnlyList<SiloOutcome> Silos);
