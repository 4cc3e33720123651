using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Inference.Storage;
using Argus.Testing;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobPlannerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("argus-planner-").FullName;

    private readonly string _outside = Directory.CreateTempSubdirectory("argus-planner-outside-").FullName;

    private StorageOptions Storage => new() { InputRoots = [_root] };

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private IReadOnlyList<string> ListFiles(string input) => JobPlanner.ListFiles(input, Storage);

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

        Assert.Equal(new[] { b, a, v }.Order(StringComparer.Ordinal), ListFiles(_root));
    }

    [Fact]
    public void A_glob_matches_within_names_and_across_folders()
    {
        var one = Touch("cam1/day/x.jpg");
        var two = Touch("cam2/y.jpg");
        Touch("cam2/y.png");
        Touch("other/z.jpg");

        Assert.Equal([one, two], ListFiles(Path.Combine(_root, "cam*/**/*.jpg")));
    }

    [Fact]
    public void A_manifest_lists_paths_relative_to_its_folder_skipping_blanks_comments_and_duplicates()
    {
        var a = Touch("imgs/a.jpg");
        var manifest = Path.Combine(_root, "list.txt");
        var b = Touch("other/b.jpg");
        File.WriteAllLines(manifest, ["# nightly", "imgs/a.jpg", "", b, "imgs/a.jpg"]);

        Assert.Equal([a, b], ListFiles(manifest));
    }

    [Fact]
    public void A_csv_manifest_takes_its_first_column()
    {
        var manifest = Path.Combine(_root, "list.csv");
        var (x, y) = (Touch("x.jpg"), Touch("y.jpg"));
        File.WriteAllLines(manifest, [$"\"{x}\",cat", $"{y},dog"]);

        Assert.Equal([x, y], ListFiles(manifest));
    }

    [Fact]
    public void A_missing_input_or_a_file_that_is_no_manifest_is_refused_with_the_reason()
    {
        var missing = Assert.Throws<BadInputException>(() => ListFiles(Path.Combine(_root, "nope")));
        Assert.Contains("is missing from the input roots", missing.Message);
        var image = Assert.Throws<BadInputException>(() => ListFiles(Touch("a.jpg")));
        Assert.Contains("not a manifest", image.Message);
        var glob = Assert.Throws<BadInputException>(() => ListFiles(Path.Combine(_root, "nope", "*.jpg")));
        Assert.Contains("is missing from the input roots", glob.Message);
    }

    [Fact]
    public void A_manifest_line_outside_the_roots_fails_the_listing_naming_it()
    {
        Touch("a.jpg");
        var manifest = Path.Combine(_root, "list.txt");
        File.WriteAllLines(manifest, ["a.jpg", "/etc/passwd", "../../etc/hostname"]);

        var refused = Assert.Throws<BadInputException>(() => ListFiles(manifest));

        Assert.Contains("'/etc/passwd' lies outside the input roots", refused.Message);
    }

    [Fact]
    public void A_link_in_the_folder_pointing_out_fails_the_listing_and_a_glob_cannot_climb_out()
    {
        Touch("a.jpg");
        File.WriteAllBytes(Path.Combine(_outside, "secret.jpg"), [1]);
        File.CreateSymbolicLink(Path.Combine(_root, "b.jpg"), Path.Combine(_outside, "secret.jpg"));

        Assert.Contains("lies outside the input roots", Assert.Throws<BadInputException>(() => ListFiles(_root)).Message);
        Assert.Contains("'..' segment", Assert.Throws<BadInputException>(() => ListFiles(Path.Combine(_root, "*", "..", "..", "*.jpg"))).Message);
        Assert.Contains("lies outside the input roots", Assert.Throws<BadInputException>(() => ListFiles(Path.Combine(_outside, "*.jpg"))).Message);
    }

    [Fact]
    public void A_device_is_no_input()
    {
        var devices = new StorageOptions { InputRoots = ["/dev"] };

        Assert.Contains("not a regular file or a folder", Assert.Throws<BadInputException>(() => JobPlanner.ListFiles("/dev/zero", devices)).Message);
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
