using Argus.Inference.Storage;

namespace Argus.Inference.Tests.Storage;

public sealed class ConfinedPathTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-confined-");

    public ConfinedPathTests()
    {
        Directory.CreateDirectory(In("a/photos"));
        Directory.CreateDirectory(In("b"));
        Directory.CreateDirectory(Out());
        File.WriteAllBytes(In("a/photos/x.jpg"), [1]);
        File.WriteAllBytes(Out("secret.jpg"), [1]);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string In(string path = "") => Path.Combine(_dir.FullName, "in", path);

    private string Out(string path = "") => Path.Combine(_dir.FullName, "out", path);

    private string Resolve(string path, ConfinedKind kind) => ConfinedPath.Resolve([In("a"), In("b")], path, kind, "input", "the test roots");

    private void Refused(string path, ConfinedKind kind, string rule)
    {
        var e = Assert.Throws<PathRefusedException>(() => Resolve(path, kind));
        Assert.Contains($"input '{path}'", e.Message);
        Assert.Contains(rule, e.Message);
    }

    [Fact]
    public void A_file_or_folder_inside_any_root_resolves_to_its_real_path()
    {
        Assert.Equal(In("a/photos/x.jpg"), Resolve(In("a/photos/x.jpg"), ConfinedKind.File));
        Assert.Equal(In("a/photos/x.jpg"), Resolve("photos/x.jpg", ConfinedKind.File)); // relative to the first root
        Assert.Equal(In("a/photos"), Resolve(In("a/photos"), ConfinedKind.Folder));
        Assert.Equal(In("b"), Resolve(In("b"), ConfinedKind.FileOrFolder)); // a root itself
        Assert.Equal(In("a/photos/x.jpg"), Resolve(In("a/photos/x.jpg"), ConfinedKind.FileOrFolder));
    }

    [Fact]
    public void A_folder_to_make_needs_its_nearest_existing_ancestor_inside_a_root()
    {
        Assert.Equal(In("b/out/job/deeper"), Resolve(In("b/out/job/deeper"), ConfinedKind.NewFolder));
        Assert.Equal(In("b"), Resolve(In("b"), ConfinedKind.NewFolder));
        Refused(In("a/photos/x.jpg"), ConfinedKind.NewFolder, "not a folder");
        Refused(In("a/photos/x.jpg/under"), ConfinedKind.NewFolder, "not a folder");
        Refused(Out("new"), ConfinedKind.NewFolder, "outside the test roots");
    }

    [Fact]
    public void A_link_inside_a_root_pointing_out_is_refused_and_one_pointing_in_is_followed()
    {
        Directory.CreateSymbolicLink(In("b/escape"), Out());
        File.CreateSymbolicLink(In("b/secret.jpg"), Out("secret.jpg"));
        File.CreateSymbolicLink(In("b/x.jpg"), "../a/photos/x.jpg");

        Refused(In("b/escape/secret.jpg"), ConfinedKind.File, "outside the test roots");
        Refused(In("b/secret.jpg"), ConfinedKind.File, "outside the test roots");
        Refused(In("b/escape/job"), ConfinedKind.NewFolder, "outside the test roots");
        Refused(In("b/escape"), ConfinedKind.Folder, "outside the test roots");
        Assert.Equal(In("a/photos/x.jpg"), Resolve(In("b/x.jpg"), ConfinedKind.File));
    }

    [Theory]
    [InlineData("/etc/passwd", "outside the test roots")]
    [InlineData("../out/secret.jpg", "'..' segment")]
    [InlineData("photos/../photos/x.jpg", "'..' segment")]
    [InlineData("", "not a file name")]
    [InlineData("a\0b", "not a file name")]
    public void A_path_that_leaves_the_roots_or_is_no_name_is_refused(string path, string rule) =>
        Refused(path, ConfinedKind.File, rule);

    [Fact]
    public void Outside_is_said_before_missing_so_a_refusal_tells_nothing_of_what_lies_outside()
    {
        Refused(Out("secret.jpg"), ConfinedKind.File, "outside the test roots");
        Refused(Out("absent.jpg"), ConfinedKind.File, "outside the test roots");
        Refused(In("a/absent.jpg"), ConfinedKind.File, "is missing from the test roots");
    }

    [Fact]
    public void Devices_pipes_and_folders_are_not_files()
    {
        var devices = Assert.Throws<PathRefusedException>(() => ConfinedPath.Resolve(["/dev"], "/dev/zero", ConfinedKind.FileOrFolder, "input", "the roots"));
        Assert.Contains("not a regular file or a folder", devices.Message);
        Refused(In("a/photos"), ConfinedKind.File, "not a regular file");
        Refused(In("a/photos/x.jpg"), ConfinedKind.Folder, "not a folder");
    }

    [Fact]
    public void Roots_that_do_not_exist_are_left_out_and_none_at_all_is_said()
    {
        Assert.Equal(In("b"), ConfinedPath.Resolve([In("nope"), In("b")], In("b"), ConfinedKind.Folder, "input", "the roots"));

        var e = Assert.Throws<PathRefusedException>(() => ConfinedPath.Resolve([In("nope")], In("nope/x"), ConfinedKind.File, "input", "the roots"));
        Assert.Contains($"The roots ({In("nope")}) is not a folder", e.Message);
    }

    [Fact]
    public void Storage_roots_default_to_the_current_and_temporary_folders_and_configured_ones_replace_them()
    {
        var defaults = new StorageOptions();
        Assert.Equal([Path.GetFullPath("."), Path.GetFullPath(Path.GetTempPath()), StorageOptions.OpenCvSamples], defaults.Inputs);
        Assert.Equal([Path.GetFullPath("."), Path.GetFullPath(Path.GetTempPath())], defaults.Outputs);

        var configured = new StorageOptions { InputRoots = [In("a")], OutputRoots = [In("b")], CameraRoots = [In("a")] };
        Assert.Equal([In("a")], configured.Inputs);
        Assert.Contains("input roots (Argus:Storage:InputRoots)", Assert.Throws<PathRefusedException>(() => configured.Input(In("b"), ConfinedKind.Folder)).Message);
        Assert.Equal(In("b/job"), configured.Output(In("b/job")));
        Assert.Contains("camera roots", Assert.Throws<PathRefusedException>(() => configured.Camera(Out("secret.jpg"))).Message);
    }
}
