namespace Argus.Errors;

/// <summary>The base of every error Argus reports to a caller.</summary>
[GenerateSerializer, Alias("Argus.Errors.ArgusException")]
public class ArgusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArgusException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ArgusException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>No model of that name is loaded.</summary>
[GenerateSerializer, Alias("Argus.Errors.UnknownModelException")]
public sealed class UnknownModelException(string model)
    : ArgusException($"Unknown model '{model}'.")
{
    /// <summary>The model asked for.</summary>
    [Id(0)] public string Model { get; } = model;
}

/// <summary>The device is still loading or warming its models; retry shortly.</summary>
[GenerateSerializer, Alias("Argus.Errors.NotReadyException")]
public sealed class NotReadyException(string message) : ArgusException(message);

/// <summary>The input is unusable: the reason says why. Never retried.</summary>
[GenerateSerializer, Alias("Argus.Errors.BadInputException")]
public sealed class BadInputException(string message) : ArgusException(message);

/// <summary>The cluster cannot answer within the deadline or its queues are full; retry after <see cref="RetryAfter"/>.</summary>
[GenerateSerializer, Alias("Argus.Errors.OverloadedException")]
public sealed class OverloadedException(string message, TimeSpan retryAfter) : ArgusException(message)
{
    /// <summary>When a retry has a fair chance.</summary>
    [Id(0)] public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The request's deadline passed before it was answered (retries on other devices included).</summary>
[GenerateSerializer, Alias("Argus.Errors.InferenceTimeoutException")]
public sealed class InferenceTimeoutException(string message) : ArgusException(message);

/// <summary>No device in the cluster serves the model (or none is left after failures).</summary>
[GenerateSerializer, Alias("Argus.Errors.NoDeviceException")]
public sealed class NoDeviceException(string message) : ArgusException(message);

/// <summary>No job has the id asked for.</summary>
[GenerateSerializer, Alias("Argus.Errors.UnknownJobException")]
public sealed class UnknownJobException(string job) : ArgusException($"Unknown job '{job}'.")
{
    /// <summary>The job asked for.</summary>
    [Id(0)] public string Job { get; } = job;
}

/// <summary>The job cannot do that in its state, or its id is taken by another spec (HTTP 409).</summary>
[GenerateSerializer, Alias("Argus.Errors.JobConflictException")]
public sealed class JobConflictException(string message) : ArgusException(message);

/// <summary>The model is known but not at that version (HTTP 404).</summary>
[GenerateSerializer, Alias("Argus.Errors.UnknownVersionException")]
public sealed class UnknownVersionException(string model, string version, IReadOnlyList<string> known)
    : ArgusException(known.Count == 0
        ? $"Model '{model}' has no version '{version}' loaded."
        : $"Model '{model}' has no version '{version}' loaded; it has {string.Join(", ", known.Select(v => $"'{v}'"))}.")
{
    /// <summary>The model asked for.</summary>
    [Id(0)] public string Model { get; } = model;

    /// <summary>The version asked for.</summary>
    [Id(1)] public string Version { get; } = version;
}

/// <summary>
/// A model repository or rollout change that contradicts the cluster's state (HTTP 409): a version defined twice
/// differently, the stable version of a rollout unloaded.
/// </summary>
[GenerateSerializer, Alias("Argus.Errors.ModelConflictException")]
public sealed class ModelConflictException(string message) : ArgusException(message);

/// <summary>No pipeline has the id asked for, or the caller's tenant may not see it (HTTP 404 <c>unknown_pipeline</c>).</summary>
[GenerateSerializer, Alias("Argus.Errors.UnknownPipelineException")]
public sealed class UnknownPipelineException(string pipeline, string message) : ArgusException(message)
{
    /// <summary>The pipeline asked for.</summary>
    [Id(0)] public string Pipeline { get; } = pipeline;
}

/// <summary>The pipeline has no item with the id asked for (HTTP 404 <c>unknown_item</c>).</summary>
[GenerateSerializer, Alias("Argus.Errors.UnknownPipelineItemException")]
public sealed class UnknownPipelineItemException(string pipeline, string item, string message) : ArgusException(message)
{
    /// <summary>The pipeline asked.</summary>
    [Id(0)] public string Pipeline { get; } = pipeline;

    /// <summary>The item asked for.</summary>
    [Id(1)] public string Item { get; } = item;
}

/// <summary>The pipeline has no backfill with the id asked for (HTTP 404 <c>unknown_backfill</c>).</summary>
[GenerateSerializer, Alias("Argus.Errors.UnknownBackfillException")]
public sealed class UnknownBackfillException(string pipeline, string backfill, string message) : ArgusException(message)
{
    /// <summary>The pipeline asked.</summary>
    [Id(0)] public string Pipeline { get; } = pipeline;

    /// <summary>The backfill asked for.</summary>
    [Id(1)] public string Backfill { get; } = backfill;
}
