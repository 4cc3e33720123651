using Argus.Grains.Storage;
using Argus.Testing;

namespace Argus.Grains.Tests.Storage;

/// <summary>
/// An s3rver and an Azurite shared by the test classes of <see cref="Collection"/> (which then run one after the other,
/// not starting four Node servers at once), each with a bucket or container <see cref="Container"/>.
/// </summary>
public sealed class ObjectStoresFixture : IAsyncLifetime
{
    /// <summary>The collection of the tests on these servers.</summary>
    public const string Collection = "object stores";

    /// <summary>The bucket and container the tests use.</summary>
    public const string Container = "argus-tests";

    public S3rver S3 { get; private set; } = null!;

    public Azurite Azure { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (s3, azure) = (S3rver.StartAsync(), Azurite.StartAsync());
        try
        {
            await Task.WhenAll(s3, azure);
        }
        finally
        {
            // One that started is stopped with the other's failure, by DisposeAsync.
            S3 = s3.IsCompletedSuccessfully ? s3.Result : null!;
            Azure = azure.IsCompletedSuccessfully ? azure.Result : null!;
        }

        await S3.CreateContainerAsync(Container);
        await Azure.CreateContainerAsync(Container);
    }

    /// <summary>Options that reach both servers with their credentials, listing <paramref name="pageSize"/> keys a page.</summary>
    public ObjectStoreOptions Options(int pageSize) => new()
    {
        ListPageSize = pageSize,
        MaxRetries = 1,
        S3 = { ServiceUrl = S3.ServiceUrl, AccessKey = S3rver.AccessKey, SecretKey = S3rver.SecretKey, ForcePathStyle = true },
        Azure = { ConnectionString = Azure.ConnectionString },
    };

    /// <summary>The server of <paramref name="kind"/>, <c>s3</c> or <c>azure</c>.</summary>
    public ObjectStoreServer Server(string kind) => kind == "s3" ? S3 : Azure;

    public async Task DisposeAsync()
    {
        if (S3 is not null)
        {
            await S3.DisposeAsync();
        }

        if (Azure is not null)
        {
            await Azure.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one <see cref="ObjectStoresFixture"/>.</summary>
[CollectionDefinition(ObjectStoresFixture.Collection)]
public sealed class ObjectStoresCollection : ICollectionFixture<ObjectStoresFixture>;
