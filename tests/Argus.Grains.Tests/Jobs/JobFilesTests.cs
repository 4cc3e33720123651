using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Jobs;
using Argus.Storage;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("argus-jobfiles-").FullName;

    private readonly string _outside = Directory.CreateTempSubdirectory("argus-jobfiles-outside-").FullName;

    private StorageOptions Storage => new() { OutputRoots = [_folder] };

    private JobFolder Folder(string path) => new(new LocalJobStore(Storage), StoreLocation.Parse(path));

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public async Task A_plan_reads_back_as_written()
    {
        JobItem[] items = [JobItem.Image("/d/a b.jpg"), JobItem.VideoFrame("/d/v.avi", 25, 2.5), JobItem.Image("s3://bucket/cams/a.jpg")];

        await JobFiles.WritePlanAsync(Folder(_folder), 7, items);

        Assert.Equal(items, await JobFiles.ReadPlanAsync(Folder(_folder), 7));
        Assert.True(File.Exists(Path.Combine(_folder, ".plan", "shard-00007.jsonl")));
    }

    [Fact]
    public async Task A_written_shard_counts_its_results_and_an_unwritten_one_is_not_done()
    {
        var folder = Folder(_folder);
        var result = new JobResult("/d/a.jpg", "resnet18", "1", 3, DateTime.UtcNow, 20, 1, 18, 4, new JobResultBody([0.5f], null, null));

        Assert.Null(await JobFiles.WrittenFormatAsync(folder, 3));
        await JobFiles.WriteResultsAsync(folder, 3, JobOutputFormat.Jsonl, [result, result with { Item = "/d/b.jpg" }]);

        Assert.Equal(JobOutputFormat.Jsonl, await JobFiles.WrittenFormatAsync(folder, 3));
        Assert.Equal(2, await JobFiles.CountResultsAsync(folder, 3, JobOutputFormat.Jsonl));
        Assert.Equal(["/d/a.jpg", "/d/b.jpg"], await JobFiles.ReadResultsAsync(folder, 3, JobOutputFormat.Jsonl).Select(r => r.Item).ToListAsync());
    }

    [Fact]
    public void An_atomic_write_leaves_no_temporary_file_and_replaces_an_older_file_whole()
    {
        var path = Path.Combine(_folder, JobFiles.Part(3, JobOutputFormat.Jsonl));
        JobFiles.WriteAtomically(Storage, path, ["old"]);

        JobFiles.WriteAtomically(Storage, path, ["a", "b"]);

        Assert.Equal(["a", "b"], File.ReadAllLines(path));
        Assert.Single(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_neither_the_file_nor_its_temporary()
    {
        var path = Path.Combine(_folder, JobFiles.Part(4, JobOutputFormat.Jsonl));

        Assert.Throws<InvalidOperationException>(() => JobFiles.WriteAtomically(Storage, path, Lines()));

        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));

        static IEnumerable<string> Lines()
        {
            yield return "first";
            throw new InvalidOperationException("the writer died");
        }
    }

    [Fact]
    public async Task Errors_merge_in_shard_order_from_the_shards_that_have_any()
    {
        var folder = Folder(_folder);
        await JobFiles.WriteErrorsAsync(folder, 2, [new JobFailure("c", 2, "bad_input", "no", 1)]);
        await JobFiles.WriteErrorsAsync(folder, 0, [new JobFailure("a", 0, "bad_input", "no", 1), new JobFailure("b", 0, "unreadable", "gone", 3)]);

        await JobFiles.MergeErrorsAsync(folder, shards: 3);

        Assert.Equal(
            ["""{"item":"a","shard":0,"reason":"bad_input","message":"no","attempts":1}""", """{"item":"b","shard":0,"reason":"unreadable","message":"gone","attempts":3}""",
             """{"item":"c","shard":2,"reason":"bad_input","message":"no","attempts":1}"""],
            File.ReadAllLines(Path.Combine(_folder, JobFiles.MergedErrors)));
    }

    [Fact]
    public async Task A_write_goes_only_below_the_output_roots_even_through_a_link_made_after_the_job_started()
    {
        var job = Folder(Path.Combine(_folder, "job"));
        await JobFiles.WriteLinesAsync(job, JobFiles.Part(0, JobOutputFormat.Jsonl), ["a"]);
        Directory.Delete(Path.Combine(_folder, "job"), recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "job"), _outside); // swapped for a link pointing out

        var refused = await Assert.ThrowsAsync<BadInputException>(() => JobFiles.WriteLinesAsync(job, JobFiles.Part(1, JobOutputFormat.Jsonl), ["b"]));

        Assert.Contains("outside the output roots", refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Theory]
    [InlineData(JobOutputFormat.Jsonl, "part-00006.jsonl")]
    [InlineData(JobOutputFormat.Parquet, "part-00006.parquet")]
    public async Task Results_read_back_as_written_and_count_alike_in_either_format(JobOutputFormat format, string name)
    {
        var folder = Folder(_folder);
        var results = JobResults.OfEveryTask(shard: 6);

        await JobFiles.WriteResultsAsync(folder, 6, format, results);

        Assert.Equal(format, await JobFiles.WrittenFormatAsync(folder, 6));
        Assert.Equal([name], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal(JobResults.Json(results), JobResults.Json(await JobFiles.ReadResultsAsync(folder, 6, format).ToListAsync()));
        Assert.Equal(results.Count, await JobFiles.CountResultsAsync(folder, 6, format));
    }

    [Theory]
    [InlineData(JobOutputFormat.Jsonl)]
    [InlineData(JobOutputFormat.Parquet)]
    public async Task A_shard_whose_every_item_failed_has_an_empty_part(JobOutputFormat format)
    {
        var folder = Folder(_folder);

        await JobFiles.WriteResultsAsync(folder, 0, format, []);

        Assert.Equal(format, await JobFiles.WrittenFormatAsync(folder, 0));
        Assert.Empty(await JobFiles.ReadResultsAsync(folder, 0, format).ToListAsync());
        Assert.Equal(0, await JobFiles.CountResultsAsync(folder, 0, format));
    }

    [Fact]
    public async Task A_shard_not_written_has_no_format_and_no_results_to_read()
    {
        var folder = Folder(_folder);

        Assert.Null(await JobFiles.WrittenFormatAsync(folder, 1));
        foreach (var format in Enum.GetValues<JobOutputFormat>())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => JobFiles.CountResultsAsync(folder, 1, format));
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await JobFiles.ReadResultsAsync(folder, 1, format).ToListAsync());
        }
    }

    [Fact]
    public async Task A_parquet_write_that_fails_midway_leaves_neither_the_part_nor_its_temporary()
    {
        var folder = Folder(_folder);

        await Assert.ThrowsAsync<InvalidOperationException>(() => JobFiles.WriteResultsAsync(folder, 2, JobOutputFormat.Parquet, Results()));

        Assert.Null(await JobFiles.WrittenFormatAsync(folder, 2));
        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));

        static IEnumerable<JobResult> Results()
        {
            yield return JobResults.OfEveryTask(shard: 2)[0];
            throw new InvalidOperationException("the worker died");
        }
    }
}
