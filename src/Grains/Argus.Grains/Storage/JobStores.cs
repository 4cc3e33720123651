using Amazon.S3;
using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Inference.Storage;
using Argus.Jobs;
using Argus.Storage;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Storage;

/// <summary>
/// The one way jobs reach storage: a location's <see cref="IJobStore"/> by its <see cref="StoreKind"/>. The object
/// stores' clients are made on first use from <see cref="ObjectStoreOptions"/> (or the environment) and shared.
/// </summary>
internal sealed class JobStores(IOptions<StorageOptions> storage, IOptions<ObjectStoreOptions> options) : IDisposable
{
    private readonly Lazy<IAmazonS3> _s3 = new(() => S3JobStore.Client(options.Value));
    private readonly Lazy<BlobServiceClient?> _azure = new(() => options.Value.AzureConnectionString() is { } connection
        ? AzureJobStore.Client(connection, options.Value)
        : null);

    /// <summary>Objects a worker reads at once.</summary>
    public int ReadConcurrency => options.Value.ReadConcurrency;

    /// <summary>The store <paramref name="location"/> lies in.</summary>
    /// <exception cref="BadInputException">It lies in Azure and no connection string is configured.</exception>
    public IJobStore For(StoreLocation location) => location.Kind switch
    {
        StoreKind.S3 => new S3JobStore(_s3.Value, options.Value.ListPageSize, options.Value.UploadPartSize),
        StoreKind.Azure => new AzureJobStore(
            _azure.Value ?? throw new BadInputException(options.Value.Unreachable(location)!),
            options.Value.ListPageSize,
            options.Value.UploadPartSize),
        _ => new LocalJobStore(storage.Value),
    };

    /// <summary>The job folder at <paramref name="location"/> (a spec's output joined with the job's id).</summary>
    public JobFolder Folder(string location)
    {
        var parsed = StoreLocation.Parse(location);
        return new JobFolder(For(parsed), parsed);
    }

    /// <summary>Reads input item <paramref name="location"/> from its store.</summary>
    /// <exception cref="BadInputException">It leaves the input roots, or is not there.</exception>
    /// <exception cref="StoreException">Its store failed.</exception>
    public Task<byte[]> ReadItemAsync(string location, CancellationToken cancellationToken)
    {
        var parsed = StoreLocation.Parse(location);
        return For(parsed).ReadItemAsync(parsed, cancellationToken);
    }

    /// <summary>
    /// What is wrong with <paramref name="spec"/>'s input and output on this silo, one line per problem: local paths
    /// against the storage roots (<see cref="JobStorage.Problems"/>), object stores that have no credentials here.
    /// </summary>
    public IEnumerable<string> Problems(JobSpec spec) =>
        JobStorage.Problems(spec, storage.Value).Concat(new[] { spec.Input, spec.Output }
            .Select(l => StoreLocation.Parse(l, "location", out _) is { } location ? options.Value.Unreachable(location) : null)
            .OfType<string>());

    public void Dispose()
    {
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }
}
