using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Storage;

namespace Argus.Grains.Storage;

/// <summary>
/// An S3 (or S3-compatible) endpoint. A prefix is listed page by page; a file is written with one PUT of its whole
/// content, which S3 makes visible whole or not at all (a part is at most <see cref="Argus.Jobs.JobSpec.MaxShardSize"/> rows,
/// far below the 5 GiB a PUT takes, so no multipart upload that could be left half-done is needed). The SDK retries
/// throttles, timeouts and 5xx answers (<see cref="ObjectStoreOptions.MaxRetries"/>, standard backoff).
/// </summary>
internal sealed class S3JobStore(IAmazonS3 client, int pageSize) : IJobStore
{
    /// <summary>A client for <paramref name="options"/>: the configured endpoint and keys, or the environment's.</summary>
    public static IAmazonS3 Client(ObjectStoreOptions options)
    {
        var s3 = options.S3;
        var config = new AmazonS3Config
        {
            ForcePathStyle = s3.ForcePathStyle,
            MaxErrorRetry = options.MaxRetries,
            RetryMode = RequestRetryMode.Standard,
            // Checksums only where S3 requires them: S3-compatible servers do not all take the trailing checksums of
            // aws-chunked uploads, and a PUT's Content-MD5 is not needed for whole-or-absent.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (s3.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = s3.Region ?? "us-east-1";
        }
        else if (s3.Region is { } region)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        return s3.AccessKey is { Length: > 0 } key
            ? new AmazonS3Client(new BasicAWSCredentials(key, s3.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public async Task<IReadOnlyList<StoredItem>> ListAsync(StoreLocation input, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = input.Container, Prefix = Prefix(input), MaxKeys = pageSize };
        var items = new List<StoredItem>();
        do
        {
            var page = await Call(input, () => client.ListObjectsV2Async(request, cancellationToken));
            items.AddRange((page.S3Objects ?? [])
                .Where(o => !o.Key.EndsWith('/') && JobPlanner.IsImage(o.Key))
                .Select(o => new StoredItem((input with { Path = o.Key }).ToString(), o.LastModified?.ToUniversalTime() ?? DateTime.MinValue)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);

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

    public async Task<bool> ExistsAsync(StoreLocation file, CancellationToken cancellationToken)
    {
        try
        {
            await Call(file, () => client.GetObjectMetadataAsync(file.Container, file.Path, cancellationToken));
            return true;
        }
        catch (StoreException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return false;
        }
    }

    public async Task<Stream?> OpenReadAsync(StoreLocation file, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Call(file, () => client.GetObjectAsync(file.Container, file.Path, cancellationToken));
            return response.ResponseStream;
        }
        catch (StoreException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound, ErrorCode: "NoSuchKey" })
        {
            return null;
        }
    }

    public async Task WriteAsync(StoreLocation file, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await write(content, cancellationToken);
        content.Position = 0;
        await Call(file, () => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = file.Container,
            Key = file.Path,
            InputStream = content,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        }, cancellationToken));
    }

    /// <summary>A prefix as S3 matches it: the folder's keys, not those of a sibling that starts alike.</summary>
    private static string Prefix(StoreLocation location) => location.Path.Length == 0 ? "" : location.Path + "/";

    /// <summary>Runs a call, turning the store's failures into a <see cref="StoreException"/> that names no credential.</summary>
    private static async Task<T> Call<T>(StoreLocation location, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception e)
        {
            throw new StoreException($"S3 answered {(int)e.StatusCode} {e.ErrorCode} for '{location}'.", e);
        }
        catch (AmazonClientException e)
        {
            throw new StoreException($"S3 could not be reached for '{location}' ({e.GetType().Name}).", e);
        }
        catch (HttpRequestException e)
        {
            throw new StoreException($"S3 could not be reached for '{location}': {e.HttpRequestError}.", e);
        }
    }
}
