using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Argus.Testing;

/// <summary>
/// npm's <c>s3rver</c>, an S3-compatible server, on loopback with its fixed credentials. It checks that the access key
/// is its own but not SigV4 signatures, so a wrong secret key goes unnoticed: refusals are tested with a wrong access key.
/// </summary>
public sealed class S3rver : ObjectStoreServer
{
    /// <summary>The access key s3rver checks signatures with.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>Its secret key.</summary>
    public const string SecretKey = "S3RVER";

    private readonly AmazonS3Client _client;

    private S3rver(Process process, int port, string directory)
        : base(process, port, directory) =>
        _client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>Its endpoint.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string>
    {
        ["Argus__ObjectStores__S3__ServiceUrl"] = ServiceUrl,
        ["Argus__ObjectStores__S3__AccessKey"] = AccessKey,
        ["Argus__ObjectStores__S3__SecretKey"] = SecretKey,
        ["Argus__ObjectStores__S3__ForcePathStyle"] = "true",
    };

    /// <summary>Starts one and waits until it listens.</summary>
    public static Task<S3rver> StartAsync() =>
        StartAsync("s3rver", (port, directory) => ["-d", directory, "-a", "127.0.0.1", "-p", port.ToString(), "--silent", "--no-vhost-buckets"],
            (process, port, directory) => new S3rver(process, port, directory),
            "--openssl-legacy-provider"); // its continuation tokens are DES-encrypted, which OpenSSL 3 keeps among the legacy ciphers

    /// <inheritdoc />
    public override string Location(string container, string prefix) => $"s3://{container}/{prefix}";

    /// <inheritdoc />
    public override Task CreateContainerAsync(string container) => _client.PutBucketAsync(container);

    /// <inheritdoc />
    public override Task PutAsync(string container, string key, byte[] bytes) =>
        _client.PutObjectAsync(new PutObjectRequest { BucketName = container, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false });

    /// <inheritdoc />
    public override async Task<IReadOnlyList<string>> ListAsync(string container, string prefix)
    {
        var request = new ListObjectsV2Request { BucketName = container, Prefix = prefix };
        var keys = new List<string>();
        do
        {
            var page = await _client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public override async Task<byte[]> GetAsync(string container, string key)
    {
        using var response = await _client.GetObjectAsync(container, key);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _client.Dispose();
        return base.DisposeAsync();
    }
}
