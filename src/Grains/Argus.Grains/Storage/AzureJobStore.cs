using Argus.Errors;
using Argus.Grains.Jobs;
using System.Text;
using Argus.Storage;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Argus.Grains.Storage;

/// <summary>
/// An Azure storage account (or Azurite). A prefix is listed page by page; a file is uploaded as a block blob: in one
/// Put Blob, or above <paramref name="partSize"/> bytes as blocks of that size that Azure makes visible only when the block
/// list is committed, after every block is staged (<see cref="PartedUpload"/>): whole or absent. A blob URL must name the configured account. The SDK retries throttles, timeouts and
/// 5xx answers (<see cref="ObjectStoreOptions.MaxRetries"/>, exponential backoff).
/// </summary>
internal sealed class AzureJobStore(BlobServiceClient client, int pageSize, int partSize) : IJobStore
{
    /// <summary>A client for <paramref name="connectionString"/>, retrying as <paramref name="options"/> say.</summary>
    /// <exception cref="StoreException">The connection string is malformed (it is not quoted).</exception>
    public static BlobServiceClient Client(string connectionString, ObjectStoreOptions options)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Mode = Azure.Core.RetryMode.Exponential;
        try
        {
            return new BlobServiceClient(connectionString, clientOptions);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new StoreException($"The Azure connection string ({ObjectStoreOptions.Section}:Azure:ConnectionString or {ObjectStoreOptions.AzureConnectionStringVariable}) is malformed.");
        }
    }

    public async Task<IReadOnlyList<StoredItem>> ListAsync(StoreLocation input, CancellationToken cancellationToken)
    {
        var container = Container(input);
        var prefix = input.Path.Length == 0 ? null : input.Path + "/";
        var items = new List<StoredItem>();
        await Call(input, async () =>
        {
            await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(pageSizeHint: pageSize))
            {
                items.AddRange(page.Values
                    .Where(b => JobPlanner.IsImage(b.Name))
                    .Select(b => new StoredItem((input with { Path = b.Name }).ToString(), b.Properties.LastModified?.UtcDateTime ?? DateTime.MinValue)));
            }

            return items;
        });
        return [.. items.OrderBy(i => i.Location, StringComparer.Ordinal)];
    }

    public async Task<byte[]> ReadItemAsync(StoreLocation item, CancellationToken cancellationToken)
    {
        await using var stream = await OpenReadAsync(item, cancellationToken)
            ?? throw new BadInputException($"'{item}' is not there.");
        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes, cancellationToken);
        return bytes.ToArray();
    }

    public Task<bool> ExistsAsync(StoreLocation file, CancellationToken cancellationToken) =>
        Call(file, async () => (await Blob(file).ExistsAsync(cancellationToken)).Value);

    public async Task<Stream?> OpenReadAsync(StoreLocation file, CancellationToken cancellationToken)
    {
        try
        {
            return await Call(file, async () => (await Blob(file).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content);
        }
        catch (StoreException e) when (e.InnerException is RequestFailedException { Status: 404 })
        {
            return null;
        }
    }

    public Task WriteAsync(StoreLocation file, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        PartedUpload.WriteAsync(new Upload(Container(file).GetBlockBlobClient(file.Path), file), partSize, write, cancellationToken);

    private BlobContainerClient Container(StoreLocation location)
    {
        if (location.Account is { } account && !account.Equals(client.AccountName, StringComparison.Ordinal))
        {
            throw new BadInputException($"'{location}' names Azure account '{account}', but the silos hold credentials for '{client.AccountName}' only.");
        }

        return client.GetBlobContainerClient(location.Container);
    }

    private BlobClient Blob(StoreLocation location) => Container(location).GetBlobClient(location.Path);

    /// <summary>Runs a call, turning the store's failures into a <see cref="StoreException"/> that names no credential.</summary>
    private static async Task<T> Call<T>(StoreLocation location, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException e)
        {
            // The SDK's own message lists the request's headers; only the status and code are kept.
            throw new StoreException($"Azure answered {e.Status} {e.ErrorCode} for '{location}'.", e);
        }
        catch (HttpRequestException e)
        {
            throw new StoreException($"Azure could not be reached for '{location}': {e.HttpRequestError}.", e);
        }
    }

    /// <summary>One file's upload: a Put Blob, or blocks staged under ids of this upload alone and committed once.</summary>
    private sealed class Upload(BlockBlobClient blob, StoreLocation file) : IPartedUpload
    {
        // Two writers of one blob (a shard whose lease moved) stage side by side: with ids of their own, each commits only
        // its own blocks, never a mix of both.
        private readonly string _upload = Guid.NewGuid().ToString("N");
        private readonly List<string> _blocks = [];

        public Task PutAsync(Stream content, CancellationToken cancellationToken) =>
            Call(file, () => blob.UploadAsync(content, new BlobUploadOptions(), cancellationToken));

        public async Task StageAsync(int number, Stream content, CancellationToken cancellationToken)
        {
            // Every id of a blob has the same length, as Azure requires.
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_upload}-{number:D6}"));
            await Call(file, () => blob.StageBlockAsync(id, content, options: null, cancellationToken));
            _blocks.Add(id);
        }

        public Task CommitAsync(CancellationToken cancellationToken) =>
            Call(file, () => blob.CommitBlockListAsync(_blocks, options: null, cancellationToken));

        // Uncommitted blocks are never visible; Azure drops them at the blob's next commit, or after a week.
        public Task AbortAsync() => Task.CompletedTask;
    }
}
