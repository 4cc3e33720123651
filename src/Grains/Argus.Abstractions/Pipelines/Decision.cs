namespace Argus.Pipelines;

/// <summary>What a pipeline's rule says of an item.</summary>
public enum Decision
{
    /// <summary>No rule label scored at its threshold.</summary>
    Allow = 0,

    /// <summary>A block label scored at or above its threshold.</summary>
    Block = 1,

    /// <summary>No block label, but a review label, scored at or above its threshold: a person (or the heavy tier) should look.</summary>
    Review = 2,
}
