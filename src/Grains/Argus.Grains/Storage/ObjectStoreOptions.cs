namespace Argus.Grains.Storage;

/// <summary>
/// The object stores batch jobs read from and write to (<c>Argus:ObjectStores</c>). Credentials left out here come from
/// the environment: the AWS variables and profile chain for S3 (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>,
/// <c>AWS_REGION</c>, <c>AWS_ENDPOINT_URL_S3</c>, …), <c>AZURE_STORAGE_CONNECTION_STRING</c> for Azure. No credential is
/// ever written to a log, a job's status or an error.
/// </summary>
public sealed class ObjectStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:ObjectStores";

    /// <summary>The environment variable Azure's connection string is read from when <see cref="AzureStoreOptions.ConnectionString"/> is not set.</summary>
    public const string AzureConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>S3 and S3-compatible servers (<c>s3://bucket/prefix</c>).</summary>
    public S3StoreOptions S3 { get; set; } = new();

    /// <summary>Azure Blob Storage (<c>az://container/prefix</c> and blob URLs).</summary>
    public AzureStoreOptions Azure { get; set; } = new();

    /// <summary>Objects a worker reads at once while it loads a batch. Default 16.</summary>
    public int ReadConcurrency { get; set; } = 16;

    /// <summary>Times a failed request (a throttle, a timeout, a 5xx) is retried, with the SDKs' backoff. Default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Keys asked for per page when a prefix is listed (at most 1000, the stores' own limit). Default 1000.</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>
    /// A file written larger than this many bytes goes up in parts of this size (S3's multipart upload, Azure's blocks),
    /// made visible only once every part is up; one no larger in one request. 64 KiB to 1 GiB; AWS itself refuses parts
    /// under 5 MiB (the upload then fails whole).
    /// Default 16 MiB.
    /// </summary>
    public int UploadPartSize { get; set; } = DefaultUploadPartSize;

    /// <summary>The default <see cref="UploadPartSize"/>: 16 MiB.</summary>
    public const int DefaultUploadPartSize = 16 << 20;

    /// <summary>
    /// Why the silos cannot reach <paramref name="location"/> with these options (an Azure location and no connection
    /// string configured or in the environment), in one line; null when they can, or it is no object store.
    /// </summary>
    public string? Unreachable(Argus.Storage.StoreLocation location) =>
        location.Kind == Argus.Storage.StoreKind.Azure && AzureConnectionString() is null
            ? $"'{location}' lies in Azure, but the silos have no connection string ({Section}:Azure:ConnectionString or {AzureConnectionStringVariable})."
            : null;

    /// <summary>Azure's connection string: the configured one, else the environment's; null when neither is set.</summary>
    internal string? AzureConnectionString() =>
        Azure.ConnectionString is { Length: > 0 } configured ? configured
            : Environment.GetEnvironmentVariable(AzureConnectionStringVariable) is { Length: > 0 } variable ? variable
            : null;
}

/// <summary>An S3 endpoint and its credentials (<c>Argus:ObjectStores:S3</c>).</summary>
public sealed class S3StoreOptions
{
    /// <summary>An S3-compatible server's URL (MinIO, Ceph, a test server); null: AWS itself (or <c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The region (<c>us-east-1</c>, …); null: from the environment, or <c>us-east-1</c> with a <see cref="ServiceUrl"/>.</summary>
    public string? Region { get; set; }

    /// <summary>The access key id; with <see cref="SecretKey"/>, or neither (the environment's credentials).</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret access key; with <see cref="AccessKey"/>, or neither.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Address buckets as <c>{ServiceUrl}/{bucket}</c> rather than <c>{bucket}.{host}</c>, as most S3-compatible servers need. Default false.</summary>
    public bool ForcePathStyle { get; set; }
}

/// <summary>An Azure storage account (<c>Argus:ObjectStores:Azure</c>).</summary>
public sealed class AzureStoreOptions
{
    /// <summary>The account's connection string (Azurite's well-known one for the emulator); null: <c>AZURE_STORAGE_CONNECTION_STRING</c>.</summary>
    public string? ConnectionString { get; set; }
}
