using Argus.Errors;
using Argus.Grains.Pipelines;
using Argus.Grains.Storage;
using Argus.Grains.Tests.Storage;
using Argus.Inference.Storage;
using Argus.Pipelines;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>What a pipeline's watch lists (a folder, or a prefix on real s3rver and Azurite) and the item ids it derives; no silo needed.</summary>
[Collection(ObjectStoresFixture.Collection)]
public sealed class PipelineWatchTests(ObjectStoresFixture stores) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("argus-pipeline-watch-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private StorageOptions Storage => new() { InputRoots = [_root] };

    [Theory]
    [InlineData("a.jpg")]
    [InlineData("sub/dir/photo 1.JPG")]
    [InlineData(".hidden/x.png")]
    [InlineData("ünïcødé/写真.jpg")]
    [InlineData("a-very-long-name-a-very-long-name-a-very-long-name-a-very-long-name-a-very-long-name-a-very-long-name-a-very-long-name.jpg")]
    public void An_id_is_valid_and_the_same_every_time(string relative)
    {
        var id = PipelineWatch.ItemId(relative);

        Assert.True(PipelineSpec.IsValidId(id), id);
        Assert.Equal(id, PipelineWatch.ItemId(relative));
    }

    [Fact]
    public void An_id_keeps_what_it_can_of_the_path_then_a_hash_of_it()
    {
        Assert.Matches("^sub_dir_photo_1.JPG-[0-9a-f]{16}$", PipelineWatch.ItemId("sub/dir/photo 1.JPG"));
        Assert.Matches("^_hidden_x.png-[0-9a-f]{16}$", PipelineWatch.ItemId(".hidden/x.png"));
        Assert.Equal(100, PipelineWatch.ItemId(new string('x', 300) + ".jpg").Length);
    }

    [Fact]
    public void Paths_that_read_alike_once_cleaned_get_different_ids()
    {
        string[] paths = ["a b.jpg", "a_b.jpg", "a/b.jpg", "a?b.jpg", "A b.jpg"];
        Assert.Equal(paths.Length, paths.Select(PipelineWatch.ItemId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_watch_lists_settled_images_below_the_folder_with_their_relative_paths()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "in")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        foreach (var name in new[] { "a.jpg", "sub/b.png", "notes.txt", "clip.avi", "fresh.jpg" })
        {
            File.WriteAllBytes(Path.Combine(folder, name), [1]);
        }

        var settled = DateTime.UtcNow.AddMinutes(1);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "fresh.jpg"), settled.AddSeconds(1));

        using var jobStores = Stores();

        var images = await PipelineWatch.ListImagesAsync(jobStores, Storage, folder, settled, CancellationToken.None);

        Assert.Equal([("a.jpg", Path.Combine(folder, "a.jpg")), ("sub/b.png", Path.Combine(folder, "sub/b.png"))], images.Select(i => (i.Relative, i.Location)));
        await Assert.ThrowsAsync<BadInputException>(() => PipelineWatch.ListImagesAsync(jobStores, Storage, "/etc", settled, CancellationToken.None));
        await Assert.ThrowsAsync<BadInputException>(() => PipelineWatch.ListImagesAsync(jobStores, Storage, Path.Combine(_root, "missing"), settled, CancellationToken.None));
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("azure")]
    public async Task A_watched_prefix_lists_its_settled_images_across_pages_with_keys_relative_to_it(string kind)
    {
        var server = stores.Server(kind);
        var prefix = $"watch-{Guid.NewGuid():N}";
        foreach (var key in new[] { "a.jpg", "sub/b.png", "notes.txt", "c.jpg", "d.jpg" })
        {
            await server.PutAsync(ObjectStoresFixture.Container, $"{prefix}/{key}", [1]);
        }

        await server.PutAsync(ObjectStoresFixture.Container, $"{prefix}-other/e.jpg", [1]); // a sibling that starts alike
        var watch = server.Location(ObjectStoresFixture.Container, prefix);
        using var jobStores = Stores();

        var images = await PipelineWatch.ListImagesAsync(jobStores, Storage, watch, DateTime.UtcNow.AddMinutes(1), CancellationToken.None);

        Assert.Equal(["a.jpg", "c.jpg", "d.jpg", "sub/b.png"], images.Select(i => i.Relative));
        Assert.Equal(images.Select(i => $"{watch}/{i.Relative}"), images.Select(i => i.Location));
        Assert.Empty(await PipelineWatch.ListImagesAsync(jobStores, Storage, watch, DateTime.UtcNow.AddMinutes(-5), CancellationToken.None));
    }

    /// <summary>Two keys a page, so a listing pages.</summary>
    private JobStores Stores() => new(Options.Create(Storage), Options.Create(stores.Options(pageSize: 2)));
}
