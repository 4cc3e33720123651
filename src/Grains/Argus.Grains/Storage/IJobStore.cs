using Argus.Storage;

namespace Argus.Grains.Storage;

/// <summary>
/// One kind of storage as batch jobs use it (<see cref="StoreKind"/>): their inputs are listed and read through it, their
/// plans, parts and errors written and read back. Every write is whole or absent: a reader sees the old object (or none)
/// or the new one whole, never a part, whatever happens to the writer. Failures of the store are
/// <see cref="StoreException"/>s whose messages name the location and the store's answer, never a credential.
/// </summary>
internal interface IJobStore
{
    /// <summary>
    /// The items under an input location, each as a location string, sorted ordinally: a local folder's images and
    /// videos, a glob's or a manifest's files (inside the input roots); an object store prefix's images.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The input does not exist, or leaves the input roots.</exception>
    Task<IReadOnlyList<StoredItem>> ListAsync(StoreLocation input, CancellationToken cancellationToken);

    /// <summary>The bytes of an input item, read again under the input rules.</summary>
    /// <exception cref="Argus.Errors.BadInputException">It leaves the input roots, or is not there.</exception>
    Task<byte[]> ReadItemAsync(StoreLocation item, CancellationToken cancellationToken);

    /// <summary>Whether a job's file is there.</summary>
    Task<bool> ExistsAsync(StoreLocation file, CancellationToken cancellationToken);

    /// <summary>Opens a job's file for reading; null when it is not there.</summary>
    Task<Stream?> OpenReadAsync(StoreLocation file, CancellationToken cancellationToken);

    /// <summary>Writes what <paramref name="write"/> writes to a job's file, whole or not at all.</summary>
    /// <exception cref="Argus.Errors.BadInputException">A local file leaves the output roots.</exception>
    Task WriteAsync(StoreLocation file, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what writes into a job's <paramref name="folder"/> (and its folders one level down) left behind when their
    /// silo died in the middle: a local folder's temporary files. An object store keeps no partial object (S3's
    /// lifecycle rule removes an unfinished multipart upload, and Azure an uncommitted block list, by themselves), so by
    /// default nothing.
    /// </summary>
    Task RemoveAbandonedWritesAsync(StoreLocation folder, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>An input item as listed: its location and when it last changed (a watching job leaves fresh ones for later).</summary>
/// <param name="Location">Its location string (a local path, <c>s3://…</c>, …).</param>
/// <param name="LastModifiedUtc">When it was last written.</param>
internal sealed record StoredItem(string Location, DateTime LastModifiedUtc);

/// <summary>A store's failure, described without credentials: the location, and the store's status and error code.</summary>
internal sealed class StoreException(string message, Exception? inner = null) : IOException(message, inner);
