using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Inference.Storage;
using Argus.Jobs;

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
        var path = JobFiles.Part(_folder, 3, JobOutputFormat.Jsonl);
        JobFiles.WriteAtomically(Storage, path, ["old"]);

        JobFiles.WriteAtomically(Storage, path, ["a", "b"]);

        Assert.Equal(["a", "b"], File.ReadAllLines(path));
        Assert.Equal(2, JobFiles.CountResults(_folder, 3));
        Assert.Single(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_neither_the_file_nor_its_temporary()
    {
        var path = JobFiles.Part(_folder, 4, JobOutputFormat.Jsonl);

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
        JobFiles.WriteAtomically(Storage, JobFiles.Part(job, 0, JobOutputFormat.Parquet), ["a"]);
        Directory.Delete(job, recursive: true);
        Directory.CreateSymbolicLink(job, _outside); // swapped for a link pointing out

        var refused = Assert.Throws<BadInputException>(() => JobFiles.WriteAtomically(Storage, JobFiles.Part(job, 1, JobOutputFormat.Parquet), ["b"]));

        Assert.Contains("outside the output roots", refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Theory]
    [InlineData(JobOutputFormat.Jsonl, "part-00006.jsonl")]
    [InlineData(JobOutputFormat.Parquet, "part-00006.parquet")]
    public void Results_read_back_as_written_and_count_alike_in_either_format(JobOutputFormat format, string name)
    {
        var results = JobResults.OfEveryTask(shard: 6);

        JobFiles.WriteResults(Storage, _folder, 6, format, results);

        Assert.Equal(format, JobFiles.WrittenFormat(_folder, 6));
        Assert.Equal([name], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal(JobResults.Json(results), JobResults.Json(JobFiles.ReadResults(_folder, 6)));
        Assert.Equal(results.Count, JobFiles.CountResults(_folder, 6));
    }

    [Theory]
    [InlineData(JobOutputFormat.Jsonl)]
    [InlineData(JobOutputFormat.Parquet)]
    public void A_shard_whose_every_item_failed_has_an_empty_part(JobOutputFormat format)
    {
        JobFiles.WriteResults(Storage, _folder, 0, format, []);

        Assert.Equal(format, JobFiles.WrittenFormat(_folder, 0));
        Assert.Empty(JobFiles.ReadResults(_folder, 0));
        Assert.Equal(0, JobFiles.CountResults(_folder, 0));
    }

    [Fact]
    public void A_shard_not_written_has_no_format_and_no_results_to_read()
    {
        Assert.Null(JobFiles.WrittenFormat(_folder, 1));
        Assert.Throws<FileNotFoundException>(() => JobFiles.CountResults(_folder, 1));
        Assert.Throws<FileNotFoundException>(() => JobFiles.ReadResults(_folder, 1));
    }

    [Fact]
    public void A_parquet_write_that_fails_midway_leaves_neither_the_part_nor_its_temporary()
    {
        Assert.Throws<InvalidOperationException>(() => JobFiles.WriteResults(Storage, _folder, 2, JobOutputFormat.Parquet, Results()));

        Assert.Null(JobFiles.WrittenFormat(_folder, 2));
        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));

        static IEnumerable<JobResult> Results()
        {
            yield return JobResults.OfEveryTask(shard: 2)[0];
            throw new InvalidOperationException("the worker died");
        }
    }
}
