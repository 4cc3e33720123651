using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Grains.Tests.Jobs;
using Argus.Inference.Storage;
using Argus.Jobs;
using Argus.Storage;
using Argus.Testing;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Tests.Storage;

/// <summary>
/// The same promises from every store, on real servers (s3rver, Azurite) and the local file system: listing a prefix
/// across pages, reading, whole-or-absent writes (in one request or in parts), and failures that name no credential.
/// </summary>
[Collection(ObjectStoresFixture.Collection)]
public sealed class JobStoreTests(ObjectStoresFixture stores) : IDisposable
{
    private const int PageSize = 40;

    /// <summary>A part size far below the default, so a test's file goes up in several.</summary>
    private const int PartSize = 64 << 10;

    private readonly string _local = Directory.CreateTempSubdirectory("argus-jobstore-").FullName;

    public static TheoryData<string> Kinds => ["local", "s3", "azure"];

    public void Dispose() => Directory.Delete(_local, recursive: true);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_prefix_lists_its_images_across_pages_sorted_and_nothing_beside_it(string kind)
    {
        var prefix = $"list-{Guid.NewGuid():N}";
        var expected = new List<string>();
        for (var i = 0; i < 3 * PageSize + 7; i++)
        {
            expected.Add(await PutAsync(kind, $"{prefix}/cam{i % 3}/img-{i:D4}.jpg", [1, 2, (byte)i]));
        }

        await PutAsync(kind, $"{prefix}/notes.txt", [1]); // not an image
        await PutAsync(kind, $"{prefix}-other/img.jpg", [1]); // a sibling that starts alike
        var (store, location) = Open(kind, prefix);

        var listed = await store.ListAsync(location, CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Select(i => i.Location));
        Assert.All(listed, i => Assert.True(i.LastModifiedUtc > DateTime.UtcNow.AddMinutes(-5)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_item_reads_back_and_a_missing_one_is_a_bad_input(string kind)
    {
        var prefix = $"read-{Guid.NewGuid():N}";
        var photo = TestData.Image("apple.jpg");
        var item = await PutAsync(kind, $"{prefix}/apple.jpg", photo);
        var (store, location) = Open(kind, prefix);

        Assert.Equal(photo, await store.ReadItemAsync(StoreLocation.Parse(item), CancellationToken.None));
        await Assert.ThrowsAsync<BadInputException>(() => store.ReadItemAsync(location.Child("gone.jpg"), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_write_is_whole_or_absent_and_a_failed_one_leaves_the_older_file_whole(string kind)
    {
        var (store, folder) = Open(kind, $"write-{Guid.NewGuid():N}");
        var file = folder.Child("part-00000.jsonl");
        Assert.False(await store.ExistsAsync(file, CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(file, CancellationToken.None));

        await store.WriteAsync(file, (s, ct) => s.WriteAsync("old\n"u8.ToArray(), ct).AsTask(), CancellationToken.None);
        var failed = store.WriteAsync(file, async (s, ct) =>
        {
            await s.WriteAsync(new byte[100_000], ct);
            throw new InvalidOperationException("the writer died");
        }, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        var fresh = folder.Child("part-00001.jsonl");
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(fresh, (s, _) => throw new InvalidOperationException("died"), CancellationToken.None));

        Assert.True(await store.ExistsAsync(file, CancellationToken.None));
        await using (var read = await store.OpenReadAsync(file, CancellationToken.None))
        {
            Assert.Equal("old\n", await new StreamReader(read!).ReadToEndAsync());
        }

        Assert.False(await store.ExistsAsync(fresh, CancellationToken.None));
    }

    [Fact]
    public async Task The_temporary_files_of_local_writes_stopped_in_the_middle_are_removed_and_nothing_else()
    {
        var (store, folder) = Open("local", $"abandoned-{Guid.NewGuid():N}");
        await store.WriteAsync(folder.Child("part-00000.jsonl"), (s, ct) => s.WriteAsync("kept\n"u8.ToArray(), ct).AsTask(), CancellationToken.None);
        // Two writes held in the middle, as a silo killed then leaves them: in the job's folder and a folder one level down.
        var killed = new TaskCompletionSource();
        var writes = new[] { folder.Child("part-00001.jsonl"), folder.Child(".errors/part-00001.jsonl") }
            .Select(file => store.WriteAsync(file, async (s, ct) =>
            {
                await s.WriteAsync(new byte[1000], ct);
                await killed.Task;
            }, CancellationToken.None)).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(Temporary(folder.Path).Count == 2), TimeSpan.FromSeconds(10), "both writes to have begun");
        // Files that are not a write's: a person's, and a hidden one of another program.
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "notes.tmp"), "mine");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, ".cache.tmp"), "another program's");
        // Links to folders outside the output roots and inside them (another job's), each holding what looks like a write's
        // temporary file.
        var outside = Directory.CreateTempSubdirectory("argus-outside-");
        var strangers = new[] { outside.FullName, Directory.CreateDirectory(Path.Combine(_local, $"other-{Guid.NewGuid():N}")).FullName }
            .Select((target, i) =>
            {
                Directory.CreateSymbolicLink(Path.Combine(folder.Path, $"linked{i}"), target);
                var file = Path.Combine(target, $".part-00002.jsonl.{Guid.NewGuid():N}.tmp");
                File.WriteAllText(file, "not the job's");
                return file;
            }).ToList();
        try
        {
            await store.RemoveAbandonedWritesAsync(folder, CancellationToken.None);

            Assert.DoesNotContain(Temporary(folder.Path), f => !f.Contains("/linked", StringComparison.Ordinal));
            Assert.Equal([".cache.tmp", "notes.tmp", "part-00000.jsonl"], Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.All(strangers, f => Assert.True(File.Exists(f), f));
            killed.SetException(new IOException("the silo died"));
            foreach (var write in writes)
            {
                await Assert.ThrowsAsync<IOException>(() => write);
            }

            Assert.False(await store.ExistsAsync(folder.Child("part-00001.jsonl"), CancellationToken.None));
        }
        finally
        {
            outside.Delete(recursive: true);
        }

        static List<string> Temporary(string path) => [.. Directory.EnumerateFiles(path, ".*.tmp", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("/.cache.tmp", StringComparison.Ordinal))];
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("azure")]
    public async Task A_store_that_refuses_the_credentials_fails_without_naming_them(string kind)
    {
        const string secret = "Tm90VGhlS2V5QnV0QVNlY3JldA==";
        var options = Options(kind == "s3"
            ? o => (o.S3.AccessKey, o.S3.SecretKey) = ("AKIAWRONGKEY", secret)
            : o => o.Azure.ConnectionString = stores.Azure.ConnectionString.Replace(Azurite.AccountKey, secret, StringComparison.Ordinal));
        using var jobStores = new JobStores(Microsoft.Extensions.Options.Options.Create(new StorageOptions()), options);
        var location = StoreLocation.Parse(Server(kind).Location(ObjectStoresFixture.Container, "anything"));

        var refused = await Assert.ThrowsAsync<StoreException>(() => jobStores.For(location).ListAsync(location, CancellationToken.None));

        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_url_reads_the_configured_account_and_refuses_another()
    {
        var prefix = $"url-{Guid.NewGuid():N}";
        await PutAsync("azure", $"{prefix}/a.jpg", [1]);
        using var jobStores = Stores();
        var url = StoreLocation.Parse(stores.Azure.BlobUrl(ObjectStoresFixture.Container, prefix));
        var other = url with { Account = "someoneelse" };

        var listed = await jobStores.For(url).ListAsync(url, CancellationToken.None);

        Assert.Equal([$"{stores.Azure.BlobUrl(ObjectStoresFixture.Container, prefix)}/a.jpg"], listed.Select(i => i.Location));
        var refused = await Assert.ThrowsAsync<BadInputException>(() => jobStores.For(other).ListAsync(other, CancellationToken.None));
        Assert.Contains("someoneelse", refused.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, JobOutputFormat> KindsAndFormats =>
        new() { { "local", JobOutputFormat.Parquet }, { "s3", JobOutputFormat.Jsonl }, { "s3", JobOutputFormat.Parquet }, { "azure", JobOutputFormat.Parquet } };

    [Theory]
    [MemberData(nameof(KindsAndFormats))]
    public async Task A_shard_s_results_read_back_and_count_from_the_store_in_either_format(string kind, JobOutputFormat format)
    {
        var (_, location) = Open(kind, $"results-{Guid.NewGuid():N}");
        var folder = Stores().Folder(location.ToString());
        var results = JobResults.OfEveryTask(shard: 4);

        await JobFiles.WriteResultsAsync(folder, 4, format, results);

        Assert.Equal(format, await JobFiles.WrittenFormatAsync(folder, 4));
        Assert.Equal(JobResults.Json(results), JobResults.Json(await JobFiles.ReadResultsAsync(folder, 4, format).ToListAsync()));
        Assert.Equal(results.Count, await JobFiles.CountResultsAsync(folder, 4, format));
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("azure")]
    public async Task A_file_larger_than_a_part_goes_up_in_parts_and_reads_back_whole(string kind)
    {
        var (store, folder) = Open(kind, $"parts-{Guid.NewGuid():N}", o => o.UploadPartSize = PartSize);
        var file = folder.Child("part-00000.parquet");
        var bytes = new byte[5 * PartSize + 1234];
        new Random(17).NextBytes(bytes);

        // Asynchronous writes stage parts as they fill; a synchronous one waits for the end.
        await store.WriteAsync(file, async (s, ct) =>
        {
            await s.WriteAsync(bytes.AsMemory(0, 3 * PartSize + 7), ct);
            s.Write(bytes.AsSpan(3 * PartSize + 7));
        }, CancellationToken.None);

        Assert.Equal(bytes, await Server(kind).GetAsync(ObjectStoresFixture.Container, file.Path));
        if (kind == "azure")
        {
            var blob = new Azure.Storage.Blobs.BlobContainerClient(stores.Azure.ConnectionString, ObjectStoresFixture.Container).GetBlockBlobClient(file.Path);
            var blocks = await blob.GetBlockListAsync(BlockListTypes.All);
            Assert.Equal(Enumerable.Repeat((long)PartSize, 5).Append(1234), blocks.Value.CommittedBlocks.Select(b => b.SizeLong));
            Assert.Empty(blocks.Value.UncommittedBlocks);
        }
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("azure")]
    public async Task An_upload_that_fails_after_some_parts_shows_nothing_and_leaves_the_older_file_whole(string kind)
    {
        var (store, folder) = Open(kind, $"aborted-{Guid.NewGuid():N}", o => o.UploadPartSize = PartSize);
        var (file, fresh) = (folder.Child("part-00000.parquet"), folder.Child("part-00001.parquet"));
        await store.WriteAsync(file, (s, ct) => s.WriteAsync("old"u8.ToArray(), ct).AsTask(), CancellationToken.None);
        var uploadsBefore = S3rverUploads();

        foreach (var target in new[] { file, fresh })
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(target, async (s, ct) =>
            {
                await s.WriteAsync(new byte[3 * PartSize + 1], ct); // three parts up
                throw new InvalidOperationException("the writer died");
            }, CancellationToken.None));
        }

        Assert.Equal("old"u8.ToArray(), await Server(kind).GetAsync(ObjectStoresFixture.Container, file.Path));
        Assert.False(await store.ExistsAsync(fresh, CancellationToken.None));
        if (kind == "s3")
        {
            // The parts did go up: s3rver keeps each unfinished upload (it answers an abort 405), invisible to readers.
            var left = S3rverUploads().Except(uploadsBefore).ToList();
            Assert.Equal(2, left.Count);
            Assert.All(left, u => Assert.Equal(3, Directory.GetFiles(u).Count(f => int.TryParse(Path.GetFileName(f), out _))));
        }
    }

    private string[] S3rverUploads()
    {
        var uploads = Path.Combine(stores.S3.Directory, ObjectStoresFixture.Container, "._S3rver_uploads");
        return Directory.Exists(uploads) ? Directory.GetDirectories(uploads) : [];
    }

    private ObjectStoreServer Server(string kind) => stores.Server(kind);

    private IOptions<ObjectStoreOptions> Options(Action<ObjectStoreOptions>? change = null)
    {
        var options = stores.Options(PageSize);
        change?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    private JobStores Stores(Action<ObjectStoreOptions>? change = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { InputRoots = [_local], OutputRoots = [_local] }), Options(change));

    private (IJobStore Store, StoreLocation Location) Open(string kind, string prefix, Action<ObjectStoreOptions>? change = null)
    {
        var location = StoreLocation.Parse(kind == "local" ? Path.Combine(_local, prefix) : Server(kind).Location(ObjectStoresFixture.Container, prefix));
        return (Stores(change).For(location), location);
    }

    private async Task<string> PutAsync(string kind, string key, byte[] bytes)
    {
        if (kind == "local")
        {
            var path = Path.Combine(_local, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes);
            return path;
        }

        await Server(kind).PutAsync(ObjectStoresFixture.Container, key, bytes);
        return Server(kind).Location(ObjectStoresFixture.Container, key);
    }
}
