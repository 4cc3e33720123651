using System.Text;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>The v1 multipart reader on bodies in memory: what a client can get wrong is a reason, never an exception.</summary>
public sealed class MultipartImagesTests
{
    private const string Type = "multipart/form-data; boundary=b0";

    private static byte[] Body(string text) => Encoding.Latin1.GetBytes(text.ReplaceLineEndings("\r\n"));

    private static readonly string TwoImages = """
        --b0
        Content-Disposition: form-data; name="images"; filename="a.jpg"
        Content-Type: image/jpeg

        AAAA
        --b0
        Content-Disposition: form-data; name="note"

        a field, not an image
        --b0
        Content-Disposition: form-data; name="images"; filename*=UTF-8''b%C3%A9.png

        BB
        --b0--

        """;

    private static Task<MultipartImages.Result> ReadAsync(string body, string? type = Type) =>
        MultipartImages.ReadAsync(Body(body), type, CancellationToken.None);

    [Fact]
    public async Task The_files_are_read_in_order_with_their_names_and_fields_are_skipped()
    {
        var read = await ReadAsync(TwoImages);

        Assert.Null(read.Error);
        Assert.Equal(["a.jpg", "bé.png"], read.Images.Select(i => i.Name));
        Assert.Equal(["AAAA", "BB"], read.Images.Select(i => Encoding.ASCII.GetString(i.Data)));
    }

    [Fact]
    public async Task A_quoted_boundary_is_the_same_boundary() =>
        Assert.Null((await ReadAsync(TwoImages, "multipart/form-data; boundary=\"b0\"")).Error);

    [Theory]
    [InlineData("multipart/form-data", "needs a boundary")]
    [InlineData("multipart/form-data; boundary=", "needs a boundary")]
    [InlineData("multipart/form-data; boundary=\"\"", "needs a boundary")]
    [InlineData("multipart/form-data; charset=utf-8", "needs a boundary")]
    [InlineData("multipart/form-data; boundary=0123456789012345678901234567890123456789012345678901234567890123456789X", "1 to 70 characters")]
    [InlineData("multipart/form-data; boundary=other", "ends before its closing boundary '--other--'")]
    [InlineData("multipart/form-data; ;;= boundary", "does not parse")]
    public async Task A_content_type_without_the_bodys_boundary_is_refused_with_the_reason(string type, string reason) =>
        Assert.Contains(reason, (await ReadAsync(TwoImages, type)).Error);

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(120)]
    [InlineData(200)]
    [InlineData(250)]
    public async Task A_body_cut_anywhere_is_refused(int length) =>
        Assert.NotNull((await ReadAsync(TwoImages[..length])).Error);

    [Fact]
    public async Task A_body_cut_inside_an_image_is_refused_as_ending_before_its_closing_boundary() =>
        Assert.Contains("ends before its closing boundary", (await ReadAsync(TwoImages[..(TwoImages.IndexOf("AAAA", StringComparison.Ordinal) + 2)])).Error);

    [Fact]
    public async Task A_body_that_never_closes_its_boundary_is_refused() =>
        Assert.Contains("ends before its closing boundary", (await ReadAsync(TwoImages.Replace("--b0--", "--b0", StringComparison.Ordinal))).Error);

    [Fact]
    public async Task A_body_with_no_file_is_refused() =>
        Assert.Equal("The multipart body holds no file.", (await ReadAsync("--b0\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b0--\r\n")).Error);

    [Fact]
    public async Task An_empty_body_is_refused() =>
        Assert.NotNull((await ReadAsync("")).Error);

    [Fact]
    public async Task A_section_without_a_content_disposition_is_refused() =>
        Assert.Contains("Content-Disposition", (await ReadAsync("--b0\r\nContent-Type: image/png\r\n\r\nAA\r\n--b0--\r\n")).Error);

    [Fact]
    public async Task A_section_header_that_is_not_a_name_and_value_is_refused() =>
        Assert.NotNull((await ReadAsync("--b0\r\nno colon here\r\n\r\nAA\r\n--b0--\r\n")).Error);

    [Fact]
    public async Task More_sections_than_the_limit_are_refused()
    {
        var body = new StringBuilder();
        for (var i = 0; i <= MultipartImages.MaxSections; i++)
        {
            body.Append($"--b0\r\nContent-Disposition: form-data; name=\"i\"; filename=\"{i}.jpg\"\r\n\r\nA\r\n");
        }

        body.Append("--b0--\r\n");
        Assert.Contains($"more than {MultipartImages.MaxSections} sections", (await ReadAsync(body.ToString())).Error);
    }

    [Fact]
    public async Task Thousands_of_mutated_bodies_give_images_or_a_reason_never_an_exception()
    {
        var random = new Random(7);
        var original = Body(TwoImages);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var body = Mutate(original, random);
            var type = random.Next(8) == 0 ? MutateType(random) : Type;
            try
            {
                var result = await MultipartImages.ReadAsync(body, type, CancellationToken.None);
                Assert.True(result.Error is null == result.Images.Count > 0, $"mutation {i}: an error or images, not both or neither");
                (read, refused) = result.Error is null ? (read + 1, refused) : (read, refused + 1);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Mutation {i} (seed 7) threw {e.GetType().Name}: {e.Message}\n{Encoding.Latin1.GetString(body)}");
            }
        }

        Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}: the mutations should reach both outcomes");
    }

    private static string MutateType(Random random) => random.Next(5) switch
    {
        0 => "multipart/form-data",
        1 => "multipart/form-data; boundary=" + new string('x', random.Next(60, 80)),
        2 => "multipart/form-data; boundary=\"b0",
        3 => "multipart/form-data; boundary=b0; boundary=b1",
        _ => "multipart/form-data; boundary=b" + (char)random.Next(0, 128),
    };

    /// <summary>One to three of: a byte changed (often to a CR, LF, '-' or quote), the tail cut, a span removed or repeated.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = random.Next(2) == 0 ? (byte)random.Next(256) : "\r\n-\";=:"u8[random.Next(7)];
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 12), bytes.Count - at));
                    break;
                default:
                    var span = bytes.GetRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    bytes.InsertRange(at, span);
                    break;
            }
        }

        return [.. bytes];
    }
}
