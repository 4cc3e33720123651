using Argus.Pipelines;

namespace Argus.Client;

/// <summary>A pipeline as the API lists it.</summary>
/// <param name="Id">The pipeline's id.</param>
/// <param name="Spec">Its spec.</param>
public sealed record PipelineView(string Id, PipelineSpec Spec);
