using System.Diagnostics;
using Argus.Inference.Models;

namespace Argus.Inference.Tests.Models;

/// <summary>
/// The confinement of a runtime-loaded version's files to the model root, on a real file system: a temporary folder
/// holding the root, a folder beside it ("outside") and links between them.
/// </summary>
public sealed class ModelFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-model-files-");

    public ModelFilesTests()
    {
        Directory.CreateDirectory(Root("resnet"));
        File.WriteAllText(Root("resnet/model.onnx"), "model");
        Directory.CreateDirectory(Outside());
        File.WriteAllText(Outside("secret.onnx"), "secret");
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Root(string path = "") => Path.Combine(_dir.FullName, "root", path);

    private string Outside(string path = "") => Path.Combine(_dir.FullName, "outside", path);

    private string Resolve(string path) => ModelFiles.Resolve(Root(), path);

    private void Refused(string path, string rule)
    {
        var e = Assert.Throws<ModelLoadException>(() => Resolve(path));
        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains(rule, e.Message);
    }

    [Fact]
    public void A_file_inside_the_root_resolves_by_a_relative_path_or_an_absolute_one()
    {
        Assert.Equal(Root("resnet/model.onnx"), Resolve("resnet/model.onnx"));
        Assert.Equal(Root("resnet/model.onnx"), Resolve("./resnet//model.onnx"));
        Assert.Equal(Root("resnet/model.onnx"), Resolve(Root("resnet/model.onnx")));
    }

    [Theory]
    [InlineData("../outside/secret.onnx")]
    [InlineData("resnet/../../outside/secret.onnx")]
    [InlineData("resnet/../resnet/model.onnx")]
    [InlineData("..")]
    [InlineData("resnet\\..\\..\\outside\\secret.onnx")]
    public void A_dot_dot_segment_is_refused_even_when_it_would_stay_inside(string path) => Refused(path, "'..' segment");

    [Fact]
    public void An_absolute_path_outside_the_root_is_refused()
    {
        Refused(Outside("secret.onnx"), "outside the model root");
        Refused("/etc/passwd", "outside the model root");
    }

    [Fact]
    public void A_link_inside_the_root_that_points_out_is_refused()
    {
        File.CreateSymbolicLink(Root("escape.onnx"), Outside("secret.onnx"));
        Directory.CreateSymbolicLink(Root("elsewhere"), Outside());
        File.CreateSymbolicLink(Root("relative.onnx"), "../outside/secret.onnx");
        File.CreateSymbolicLink(Root("hop.onnx"), "escape.onnx");

        Refused("escape.onnx", "outside the model root");
        Refused("elsewhere/secret.onnx", "outside the model root");
        Refused("relative.onnx", "outside the model root");
        Refused("hop.onnx", "outside the model root");
        Refused("elsewhere/absent.onnx", "outside the model root");
    }

    [Fact]
    public void A_link_whose_dot_dot_leaves_its_real_folder_is_followed_as_the_kernel_does()
    {
        // root/deep → outside/a/b; root/deep/../../secret.onnx is outside/secret.onnx to the kernel, root/secret.onnx on paper.
        Directory.CreateDirectory(Outside("a/b"));
        Directory.CreateSymbolicLink(Root("deep"), Outside("a/b"));
        File.CreateSymbolicLink(Root("trick.onnx"), "deep/../../secret.onnx");
        File.WriteAllText(Root("secret.onnx"), "decoy");

        Refused("trick.onnx", "outside the model root");
    }

    [Fact]
    public void A_link_that_stays_inside_the_root_resolves_to_its_target()
    {
        File.CreateSymbolicLink(Root("current.onnx"), "resnet/model.onnx");
        Directory.CreateSymbolicLink(Root("latest"), Root("resnet"));

        Assert.Equal(Root("resnet/model.onnx"), Resolve("current.onnx"));
        Assert.Equal(Root("resnet/model.onnx"), Resolve("latest/model.onnx"));
    }

    [Fact]
    public void A_root_that_is_itself_a_link_is_resolved_too()
    {
        var link = Path.Combine(_dir.FullName, "root-link");
        Directory.CreateSymbolicLink(link, Root());

        Assert.Equal(Root("resnet/model.onnx"), ModelFiles.Resolve(link, "resnet/model.onnx"));
        Assert.Equal(Root("resnet/model.onnx"), ModelFiles.Resolve(link, Path.Combine(link, "resnet/model.onnx")));
        Assert.Throws<ModelLoadException>(() => ModelFiles.Resolve(link, Outside("secret.onnx")));
    }

    [Fact]
    public void A_loop_of_links_is_refused()
    {
        File.CreateSymbolicLink(Root("a.onnx"), "b.onnx");
        File.CreateSymbolicLink(Root("b.onnx"), "a.onnx");

        Refused("a.onnx", "symbolic links");
    }

    [Fact]
    public void A_missing_file_a_folder_a_device_and_a_pipe_are_refused()
    {
        File.CreateSymbolicLink(Root("null.onnx"), "/dev/null");
        File.CreateSymbolicLink(Root("dangling.onnx"), "nowhere.onnx");
        using (var mkfifo = Process.Start("mkfifo", Root("pipe.onnx")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Refused("absent.onnx", "is missing");
        Refused("dangling.onnx", "is missing");
        Refused("resnet", "not a regular file");
        Refused("pipe.onnx", "not a regular file");
        Refused("/dev/null", "outside the model root");
        Refused("null.onnx", "outside the model root");
        Assert.Contains("not a regular file", Assert.Throws<ModelLoadException>(() => ModelFiles.Resolve("/dev", "null")).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a\0b.onnx")]
    public void An_empty_name_is_refused(string path) => Refused(path, "not a file name");

    [Fact]
    public void A_root_that_is_not_a_folder_is_named()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelFiles.Resolve(Root("nope"), "model.onnx"));

        Assert.Contains(Root("nope"), e.Message);
    }
}
