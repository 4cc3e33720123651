using Argus.Storage;

namespace Argus.Abstractions.Tests.Storage;

public sealed class StoreLocationTests
{
    [Theory]
    [InlineData("/data/images", StoreKind.Local, "", "/data/images", null)]
    [InlineData("s3://photos", StoreKind.S3, "photos", "", null)]
    [InlineData("s3://photos/cams/2026/", StoreKind.S3, "photos", "cams/2026", null)]
    [InlineData("s3://my.bucket-1/a", StoreKind.S3, "my.bucket-1", "a", null)]
    [InlineData("az://photos/cams", StoreKind.Azure, "photos", "cams", null)]
    [InlineData("https://acct1.blob.core.windows.net/photos/cams/a%20b", StoreKind.Azure, "photos", "cams/a b", "acct1")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/photos/cams", StoreKind.Azure, "photos", "cams", "devstoreaccount1")]
    [InlineData("http://localhost:10000/devstoreaccount1/photos", StoreKind.Azure, "photos", "", "devstoreaccount1")]
    public void A_location_is_parsed_into_its_store_container_and_prefix(string text, StoreKind kind, string container, string path, string? account)
    {
        var location = StoreLocation.Parse(text, "input", out var problem);

        Assert.Null(problem);
        Assert.Equal((kind, container, path, account), (location!.Kind, location.Container, location.Path, location.Account));
    }

    [Theory]
    [InlineData("s3://photos/cams/", "s3://photos/cams")]
    [InlineData("az://photos", "az://photos")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/photos/cams", "http://127.0.0.1:10000/devstoreaccount1/photos/cams")]
    [InlineData("https://acct1.blob.core.windows.net/photos/x", "https://acct1.blob.core.windows.net/photos/x")]
    public void A_location_reads_back_as_written_and_parses_again_to_itself(string text, string shown)
    {
        var location = StoreLocation.Parse(text);

        Assert.Equal(shown, location.ToString());
        Assert.Equal(location, StoreLocation.Parse(location.ToString()));
    }

    [Theory]
    [InlineData("s3://photos", "job-1", "s3://photos/job-1")]
    [InlineData("s3://photos/out", "job-1", "s3://photos/out/job-1")]
    [InlineData("/data/out", "job-1", "/data/out/job-1")]
    [InlineData("az://c1c/out", ".plan/shard-00000.jsonl", "az://c1c/out/.plan/shard-00000.jsonl")]
    public void A_child_lies_below_its_parent(string parent, string name, string child) =>
        Assert.Equal(child, StoreLocation.Parse(parent).Child(name).ToString());

    [Theory]
    [InlineData("images", "absolute path")]
    [InlineData("ftp://host/x", "scheme")]
    [InlineData("s3://", "bucket")]
    [InlineData("s3://Photos/x", "bucket")]
    [InlineData("s3://ab/x", "bucket")]
    [InlineData("s3://192.168.1.1/x", "bucket")]
    [InlineData("s3://photos/a/../b", "'..' segment")]
    [InlineData("s3://photos/a//b", "empty")]
    [InlineData("az://a--b/x", "container")]
    [InlineData("az://photos/a\\b", "'\\'")]
    [InlineData("https://acct1.blob.core.windows.net/photos/x?sv=2024&sig=SECRET", "no credentials")]
    [InlineData("https://user:SECRET@acct1.blob.core.windows.net/photos", "no credentials")]
    [InlineData("https://ab.blob.core.windows.net/photos", "account")]
    [InlineData("http://127.0.0.1:10000/", "account")]
    public void A_wrong_location_is_one_problem_naming_what_is_wrong(string text, string says)
    {
        Assert.Null(StoreLocation.Parse(text, "input", out var problem));

        Assert.Contains(says, problem, StringComparison.Ordinal);
        Assert.StartsWith("input", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", problem, StringComparison.Ordinal);
    }
}
