using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Testing;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobPlannerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("argus-planner-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1]);
        return path;
    }

    [Fact]
    public void A_folder_gives_its_images_and_videos_recursively_sorted_and_nothing_else()
    {
        var b = Touch("b.jpg");
        var a = Touch("sub/a.PNG");
        var v = Touch("sub/deeper/clip.avi");
        Touch("notes.txt");
        Touch(".hidden/x.jpg");

        Assert.Equal(new[] { b, a, v }.Order(StringComparer.Ordinal), JobPlanner.ListFiles(_root));
    }

    [Fact]
    public void A_glob_matches_within_names_and_across_folders()
    {
        var one = Touch("cam1/day/x.jpg");
        var two = Touch("cam2/y.jpg");
        Touch("cam2/y.png");
        Touch("other/z.jpg");

        Assert.Equal([one, two], JobPlanner.ListFiles(Path.Combine(_root, "cam*/**/*.jpg")));
    }

    [Fact]
    public void A_manifest_lists_paths_relative_to_its_folder_skipping_blanks_comments_and_duplicates()
    {
        var a = Touch("imgs/a.jpg");
        var manifest = Path.Combine(_root, "list.txt");
        File.WriteAllLines(manifest, ["# nightly", "imgs/a.jpg", "", "/elsewhere/b.jpg", "imgs/a.jpg"]);

        Assert.Equal(["/elsewhere/b.jpg", a], JobPlanner.ListFiles(manifest));
    }

    [Fact]
    public void A_csv_manifest_takes_its_first_column()
    {
        var manifest = Path.Combine(_root, "list.csv");
        File.WriteAllLines(manifest, ["\"/data/x.jpg\",cat", "/data/y.jpg,dog"]);

        Assert.Equal(["/data/x.jpg", "/data/y.jpg"], JobPlanner.ListFiles(manifest));
    }

    [Fact]
    public void A_missing_input_or_a_file_that_is_no_manifest_is_refused_with_the_reason()
    {
        var missing = Assert.Throws<BadInputException>(() => JobPlanner.ListFiles(Path.Combine(_root, "nope")));
        Assert.Contains("does not exist", missing.Message);
        var image = Assert.Throws<BadInputException>(() => JobPlanner.ListFiles(Touch("a.jpg")));
        Assert.Contains("not a manifest", image.Message);
        var glob = Assert.Throws<BadInputException>(() => JobPlanner.ListFiles(Path.Combine(_root, "nope", "*.jpg")));
        Assert.Contains("does not exist", glob.Message);
    }

    [Fact]
    public void A_video_becomes_one_item_per_sampled_frame_and_an_unreadable_one_a_single_item()
    {
        var video = Path.Combine(TestData.ImagesDir, "vtest.avi"); // 795 frames at 10 fps
        var broken = Touch("broken.avi");

        var items = JobPlanner.Items([video, broken], videoFps: 2).ToList();

        var frames = items.Where(i => i.Path == video).ToList();
        Assert.Equal(159, frames.Count); // frames 0 to 794 at 10 fps: 0, 0.5, …, 79.0 s
        Assert.Equal((0L, $"{video}#t=0.000"), (frames[0].Frame!.Value, frames[0].Id));
        Assert.Equal((5L, $"{video}#t=0.500"), (frames[1].Frame!.Value, frames[1].Id));
        Assert.Equal(new JobItem(broken, broken, -1), items.Single(i => i.Path == broken));
    }
}
