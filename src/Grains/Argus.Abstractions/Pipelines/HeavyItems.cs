namespace Argus.Pipelines;

/// <summary>Which items a pipeline sends to its heavy tier.</summary>
public enum HeavyItems
{
    /// <summary>Every item.</summary>
    All = 0,

    /// <summary>Items the fast tier sent to review, and a sample (<see cref="PipelineSpec.HeavySample"/>) of the rest.</summary>
    Review = 1,
}
