using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Inference.Storage;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("argus-jobfiles-").FullName;

    private readonly string _outside = Directory.CreateTempSubdirectory("argus-jobfiles-outside-").FullName;

    private StorageOptions Storage => new() { OutputRoots = [_folder] };

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public void A_plan_reads_back_as_written()
    {
        JobItem[] items = [JobItem.Image("/d/a b.jpg"), JobItem.VideoFrame("/d/v.avi", 25, 2.5)];

        JobFiles.WritePlan(Storage, _folder, 7, items);

        Assert.Equal(items, JobFiles.ReadPlan(_folder, 7));
        Assert.EndsWith(".plan/shard-00007.jsonl", JobFiles.Plan(_folder, 7));
    }

    [Fact]
    public void An_atomic_write_leaves_no_temporary_file_and_replaces_an_older_file_whole()
    {
        var path = JobFiles.Part(_folder, 3);
        JobFiles.WriteAtomically(Storage, path, ["old"]);

        JobFiles.WriteAtomically(Storage, path, ["a", "b"]);

        Assert.Equal(["a", "b"], File.ReadAllLines(path));
        Assert.Equal(2, JobFiles.CountResults(_folder, 3));
        Assert.Single(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_neither_the_file_nor_its_temporary()
    {
        var path = JobFiles.Part(_folder, 4);

        Assert.Throws<InvalidOperationException>(() => JobFiles.WriteAtomically(Storage, path, Lines()));

        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));

        static IEnumerable<string> Lines()
        {
            yield return "first";
            throw new InvalidOperationException("the writer died");
        }
    }

    [Fact]
    public void Errors_merge_in_shard_order_from_the_shards_that_have_any()
    {
        JobFiles.WriteAtomically(Storage, JobFiles.Errors(_folder, 2), ["{\"item\":\"c\"}"]);
        JobFiles.WriteAtomically(Storage, JobFiles.Errors(_folder, 0), ["{\"item\":\"a\"}", "{\"item\":\"b\"}"]);

        JobFiles.MergeErrors(Storage, _folder, shards: 3);

        Assert.Equal(["{\"item\":\"a\"}", "{\"item\":\"b\"}", "{\"item\":\"c\"}"], File.ReadAllLines(JobFiles.MergedErrors(_folder)));
    }

    [Fact]
    public void A_write_goes_only_below_the_output_roots_even_through_a_link_made_after_the_job_started()
    {
        var job = Path.Combine(_folder, "job");
        JobFiles.WriteAtomically(Storage, JobFiles.Part(job, 0), ["a"]);
        Directory.Delete(job, recursive: true);
        Directory.CreateSymbolicLink(job, _outside); // swapped for a link pointing out

        var refused = Assert.Throws<BadInputException>(() => JobFiles.WriteAtomically(Storage, JobFiles.Part(job, 1), ["b"]));

        Assert.Contains("outside the output roots", refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }
}
