namespace Argus.Errors;

/// <summary>Why an item was not answered.</summary>
public enum ErrorKind
{
    /// <summary>The input is unusable (undecodable image, wrong tensor size). Not retryable.</summary>
    BadInput = 0,

    /// <summary>No model of that name is loaded.</summary>
    UnknownModel = 1,

    /// <summary>The device cannot answer within the deadline, or its queue is full. Retry after <see cref="InferenceError.RetryAfterMs"/>.</summary>
    Overloaded = 2,

    /// <summary>The device is still loading or warming its models. Retryable.</summary>
    NotReady = 3,

    /// <summary>The caller cancelled.</summary>
    Cancelled = 4,

    /// <summary>The device failed to run the item for a reason of its own.</summary>
    Internal = 5,
}

/// <summary>An item's failure, as carried in a result.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Errors.InferenceError")]
public sealed record InferenceError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] double? RetryAfterMs = null)
{
    /// <summary>True where the same request may succeed later.</summary>
    public bool IsRetryable => Kind is ErrorKind.Overloaded or ErrorKind.NotReady;
}
