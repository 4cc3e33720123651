namespace Argus.Models;

/// <summary>How one silo applied a repository change.</summary>
/// <param name="Silo">The silo's name.</param>
/// <param name="Failures">The versions that failed to load there, with the reason; empty when all did.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.SiloOutcome")]
public sealed record SiloOutcome([property: Id(0)] string Silo, [property: Id(1)] IReadOnlyDictionary<string, string> Failures);
