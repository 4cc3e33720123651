using Argus.Errors;
using Argus.Grains.Pipelines;
using Argus.Inference.Storage;
using Argus.Pipelines;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>What a pipeline's folder watch lists and the item ids it derives; no silo needed.</summary>
public sealed class PipelineWatchTests : IDisposable
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
    public void The_watch_lists_settled_images_below_the_folder_with_their_relative_paths()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "in")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        foreach (var name in new[] { "a.jpg", "sub/b.png", "notes.txt", "clip.avi", "fresh.jpg" })
        {
            File.WriteAllBytes(Path.Combine(folder, name), [1]);
        }

        var settled = DateTime.UtcNow.AddMinutes(1);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "fresh.jpg"), settled.AddSeconds(1));

        var images = PipelineWatch.ListImages(folder, settled, Storage);

        Assert.Equal([("a.jpg", Path.Combine(folder, "a.jpg")), ("sub/b.png", Path.Combine(folder, "sub/b.png"))], images.Select(i => (i.Relative, i.Path)));
        Assert.Throws<BadInputException>(() => PipelineWatch.ListImages("/etc", settled, Storage));
        Assert.Throws<BadInputException>(() => PipelineWatch.ListImages(Path.Combine(_root, "missing"), settled, Storage));
    }
}
