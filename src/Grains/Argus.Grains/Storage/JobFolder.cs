using Argus.Storage;

namespace Argus.Grains.Storage;

/// <summary>A job's folder (<c>{output}/{job}</c>) in its store: its files are named relative to it (<c>part-00000.jsonl</c>).</summary>
internal sealed class JobFolder(IJobStore store, StoreLocation location)
{
    /// <summary>The folder's location, as the job's status shows it.</summary>
    public string Location => location.ToString();

    /// <summary>Whether file <paramref name="name"/> is there.</summary>
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        store.ExistsAsync(location.Child(name), cancellationToken);

    /// <summary>Opens file <paramref name="name"/>; null when it is not there.</summary>
    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        store.OpenReadAsync(location.Child(name), cancellationToken);

    /// <summary>Writes what <paramref name="write"/> writes to file <paramref name="name"/>, whole or not at all.</summary>
    public Task WriteAsync(string name, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        store.WriteAsync(location.Child(name), write, cancellationToken);

    /// <summary>Removes what writes into the folder left behind when their silo died in the middle (<see cref="IJobStore.RemoveAbandonedWritesAsync"/>).</summary>
    public Task RemoveAbandonedWritesAsync(CancellationToken cancellationToken = default) =>
        store.RemoveAbandonedWritesAsync(location, cancellationToken);
}
