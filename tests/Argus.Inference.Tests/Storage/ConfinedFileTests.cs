using Argus.Inference.Storage;

namespace Argus.Inference.Tests.Storage;

public sealed class ConfinedFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-confined-file-");

    public ConfinedFileTests()
    {
        Directory.CreateDirectory(In("photos"));
        Directory.CreateDirectory(Out());
        File.WriteAllBytes(In("photos/x.jpg"), [1, 2, 3]);
        File.WriteAllBytes(Out("secret.jpg"), [9, 9]);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string In(string path = "") => Path.Combine(_dir.FullName, "in", path);

    private string Out(string path = "") => Path.Combine(_dir.FullName, "out", path);

    [Fact]
    public void A_checked_file_is_read_whole()
    {
        var real = ConfinedPath.Resolve([In()], In("photos/x.jpg"), ConfinedKind.File, "input", "the root");
        Assert.Equal([1, 2, 3], ConfinedFile.ReadAllBytes(real));
    }

    [Fact]
    public void A_link_swapped_in_after_the_check_fails_the_read_instead_of_leading_it_out()
    {
        var real = ConfinedPath.Resolve([In()], In("photos/x.jpg"), ConfinedKind.File, "input", "the root");

        // The folder on the checked path becomes a link to the outside, as an attacker racing the check would do.
        Directory.Move(In("photos"), In("photos-old"));
        Directory.CreateSymbolicLink(In("photos"), Out());
        File.Move(Out("secret.jpg"), Out("x.jpg"));

        var e = Assert.Throws<PathRefusedException>(() => ConfinedFile.ReadAllBytes(real));
        Assert.Contains("symbolic link", e.Message);
    }

    [Fact]
    public void A_file_swapped_for_a_link_or_a_pipe_is_refused_without_hanging()
    {
        File.Delete(In("photos/x.jpg"));
        File.CreateSymbolicLink(In("photos/x.jpg"), Out("secret.jpg"));
        Assert.Throws<PathRefusedException>(() => ConfinedFile.ReadAllBytes(In("photos/x.jpg")));

        File.Delete(In("photos/x.jpg"));
        Assert.Equal(0, Mkfifo(In("photos/x.jpg"), 0x1A4));
        var e = Assert.Throws<PathRefusedException>(() => ConfinedFile.ReadAllBytes(In("photos/x.jpg")));
        Assert.Contains("no longer a regular file", e.Message);
    }

    [Fact]
    public void A_folder_writes_creates_replaces_and_removes_through_itself()
    {
        using (var folder = ConfinedFile.OpenFolder(Out()))
        {
            using (var stream = folder.Create(".part.tmp"))
            {
                stream.Write([4, 5]);
            }

            Assert.ThrowsAny<IOException>(() => folder.Create(".part.tmp")); // it must not exist yet
            folder.Replace(".part.tmp", "part.jsonl");
            Assert.Throws<ArgumentException>(() => folder.Create("../escape"));
            folder.Delete("missing");
        }

        Assert.Equal([4, 5], File.ReadAllBytes(Out("part.jsonl")));
        Assert.False(File.Exists(Out(".part.tmp")));
    }

    [Fact]
    public void A_folder_swapped_for_a_link_after_the_check_is_refused()
    {
        var real = ConfinedPath.Resolve([In()], In("photos"), ConfinedKind.Folder, "output", "the root");
        Directory.Move(In("photos"), In("photos-old"));
        Directory.CreateSymbolicLink(In("photos"), Out());

        Assert.Throws<PathRefusedException>(() => ConfinedFile.OpenFolder(real));
        Assert.Equal(["secret.jpg"], Directory.GetFiles(Out()).Select(Path.GetFileName));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo")]
    private static extern int Mkfifo(string path, int mode);
}
