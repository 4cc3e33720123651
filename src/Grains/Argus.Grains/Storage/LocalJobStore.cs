using System.Text.RegularExpressions;
using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Inference.Storage;
using Argus.Storage;

namespace Argus.Grains.Storage;

/// <summary>
/// The silos' file system, confined to the storage roots (<see cref="StorageOptions"/>): inputs are listed and read
/// inside the input roots and files written inside the output roots, each path resolved again at its use
/// (<see cref="JobStorage"/>); a file is written to a temporary name beside it, flushed to disk and renamed.
/// </summary>
internal sealed partial class LocalJobStore(StorageOptions storage) : IJobStore
{
    public Task<IReadOnlyList<StoredItem>> ListAsync(StoreLocation input, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredItem>>([.. JobPlanner.ListFiles(input.Path, storage).Select(f => new StoredItem(f, File.GetLastWriteTimeUtc(f)))]);

    public Task<byte[]> ReadItemAsync(StoreLocation item, CancellationToken cancellationToken) =>
        Task.FromResult(JobStorage.ReadItem(item.Path, storage));

    public Task<bool> ExistsAsync(StoreLocation file, CancellationToken cancellationToken) => Task.FromResult(File.Exists(file.Path));

    public Task<Stream?> OpenReadAsync(StoreLocation file, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(File.OpenRead(file.Path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task WriteAsync(StoreLocation file, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(storage, file.Path, write, cancellationToken);

    public Task RemoveAbandonedWritesAsync(StoreLocation folder, CancellationToken cancellationToken)
    {
        if (Directory.Exists(folder.Path))
        {
            // A linked folder is not the job's, wherever it leads.
            var below = new DirectoryInfo(folder.Path).EnumerateDirectories().Where(d => d.LinkTarget is null).Select(d => d.FullName);
            foreach (var path in below.Prepend(folder.Path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                RemoveTemporaryFiles(path);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes the temporary files in <paramref name="path"/>: listed by its path, removed through the folder opened as
    /// every write opens it, so a link swapped in meanwhile leads nowhere; a folder refused as a write's would be is left.
    /// </summary>
    private void RemoveTemporaryFiles(string path)
    {
        var names = new DirectoryInfo(path).EnumerateFiles().Select(f => f.Name).Where(n => Temporary().IsMatch(n)).ToList();
        if (names.Count == 0)
        {
            return;
        }

        try
        {
            using var folder = JobStorage.OpenOutput(path, storage);
            foreach (var name in names)
            {
                folder.Delete(name);
            }
        }
        catch (BadInputException)
        {
            // Outside the output roots (a link swapped in since it was listed): nothing of ours is written there.
        }
    }

    /// <summary>
    /// Writes what <paramref name="write"/> writes to <paramref name="path"/> whole or not at all: a temporary file, flushed
    /// to disk, then renamed; in the real folder of <paramref name="path"/>, which must lie inside <paramref name="storage"/>'s
    /// output roots and is opened without following links, so one swapped in after the check cannot lead the write out.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static async Task WriteAtomicallyAsync(StorageOptions storage, string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var temp = TemporaryName(name);
        using var folder = JobStorage.OpenOutput(Path.GetDirectoryName(path)!, storage);
        try
        {
            await using (var stream = folder.Create(temp))
            {
                await write(stream, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            folder.Replace(temp, name);
        }
        catch
        {
            folder.Delete(temp);
            throw;
        }
    }

    /// <summary>A new temporary name for a write of file <paramref name="name"/>, as <see cref="Temporary"/> matches.</summary>
    private static string TemporaryName(string name) => $".{name}.{Guid.NewGuid():N}.tmp";

    /// <summary>Any write's temporary name (<see cref="TemporaryName"/>): <c>.{name}.{32 hex digits}.tmp</c>.</summary>
    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex Temporary();
}
