using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Storage;

namespace Argus.Grains.Storage;

/// <summary>
/// An S3 (or S3-compatible) endpoint. A prefix is listed page by page; a file is written with one PUT, or above
/// <paramref name="partSize"/> bytes as a multipart upload completed only when every part is up and aborted otherwise
/// (<see cref="PartedUpload"/>): S3 shows either whole or nothing. The SDK retries throttles, timeouts and 5xx answers
/// (<see cref="ObjectStoreOptions.MaxRetries"/>, standard backoff).
/// </summary>
internal sealed class S3JobStore(IAmazonS3 client, int pageSize, int partSize) : IJobStore
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

    public Task WriteAsync(StoreLocation file, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        PartedUpload.WriteAsync(new Upload(client, file), partSize, write, cancellationToken);

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

    /// <summary>One file's upload: a PUT, or a multipart upload begun at its first part.</summary>
    private sealed class Upload(IAmazonS3 client, StoreLocation file) : IPartedUpload
    {
        private readonly List<PartETag> _parts = [];
        private string? _uploadId;

        public Task PutAsync(Stream content, CancellationToken cancellationToken) =>
            Call(file, () => client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = file.Container,
                Key = file.Path,
                InputStream = content,
                AutoCloseStream = false,
                UseChunkEncoding = false,
            }, cancellationToken));

        public async Task StageAsync(int number, Stream content, CancellationToken cancellationToken)
        {
            _uploadId ??= (await Call(file, () => client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = file.Container, Key = file.Path }, cancellationToken))).UploadId;
            var part = await Call(file, () => client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = file.Container,
                Key = file.Path,
                UploadId = _uploadId,
                PartNumber = number,
                InputStream = content,
                UseChunkEncoding = false,
            }, cancellationToken));
            _parts.Add(new PartETag(number, part.ETag));
        }

        public Task CommitAsync(CancellationToken cancellationToken) =>
            Call(file, () => client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = file.Container,
                Key = file.Path,
                UploadId = _uploadId,
                PartETags = _parts,
            }, cancellationToken));

        public async Task AbortAsync()
        {
            try
            {
                // Not the caller's token: a cancelled write still lets its parts go.
                await client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = file.Container, Key = file.Path, UploadId = _uploadId }, CancellationToken.None);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                // The write's own failure is what its caller hears. Parts of an upload never completed are never visible;
                // a bucket's lifecycle rule (AbortIncompleteMultipartUpload) removes what an abort could not.
                // (s3rver 3.7.1 answers every abort 405: it does not implement it.)
            }
        }
    }
}
