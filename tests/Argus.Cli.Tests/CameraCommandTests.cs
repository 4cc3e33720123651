using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary><c>argus camera</c> against the real silo, output captured.</summary>
[Collection(CliSiloCollection.Name)]
public sealed class CameraCommandTests(CliSiloFixture fixture)
{
    private Task<(int Code, string Output)> RunAsync(params string[] args) => fixture.RunAsync(args);

    [Fact]
    public async Task A_camera_is_added_listed_shown_with_its_statistics_and_removed()
    {
        var (added, addOutput) = await RunAsync(
            "camera", "add", "door", "-m", "resnet18", "--fps", "2", "--latency-ms", "5000", "--rule", "change:scene-change:resnet18:0.3:1/1");
        Assert.Equal(0, added);
        Assert.Contains("Camera door configured: push, resnet18, 1 rule(s).", addOutput);

        var (listed, list) = await RunAsync("camera", "list");
        Assert.Equal(0, listed);
        Assert.Matches(@"│ door\s+│ push\s+│ resnet18\s+│ 1\s+│ 0\.0/2\s+│", list);

        using (var http = new HttpClient { BaseAddress = fixture.Silo!.BaseAddress })
        using (var frame = new ByteArrayContent(TestData.Image("apple.jpg")))
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", CliSiloFixture.ApiKey);
            frame.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            (await http.PostAsync("v1/cameras/door/frames", frame)).EnsureSuccessStatusCode();
        }

        // Received 1, analysed 1, dropped 0, skipped 0, failed 0.
        var show = "";
        await Eventually.HoldsAsync(async () =>
        {
            show = (await RunAsync("camera", "show", "door")).Output;
            return Regex.IsMatch(show, @"│ 1\s+│ 1\s+│ 0\s+│ 0\s+│ 0\s+│");
        }, TimeSpan.FromSeconds(30), "the pushed frame to show as analysed");
        Assert.Contains("door: push → resnet18", show);
        Assert.Matches(@"│ change\s+│ SceneChange\s+│ resnet18\s+│ 0\.3\s+│ 1/1\s+│", show);

        Assert.Equal(0, (await RunAsync("camera", "remove", "door")).Code);
        var (shownAfter, after) = await RunAsync("camera", "show", "door");
        Assert.Equal(2, shownAfter);
        Assert.Contains("No camera 'door'.", after);
        Assert.Equal(2, (await RunAsync("camera", "remove", "door")).Code);
        Assert.DoesNotContain("door", (await RunAsync("camera", "list")).Output);
    }

    [Fact]
    public async Task Bad_rules_and_configurations_exit_with_2_and_say_why()
    {
        var (code, output) = await RunAsync("camera", "add", "gate", "-m", "resnet18", "--rule", "people", "--rule", "x:colour:resnet18:a:1/2");
        Assert.Equal(2, code);
        Assert.Contains("--rule 'people' is not name:kind:model:threshold:K/N", output);
        Assert.Contains("the kind 'colour' is neither detection nor scene-change", output);
        Assert.Contains("the threshold must be a number", output);

        var (refused, why) = await RunAsync("camera", "add", "gate", "-m", "nope", "--source", "/tmp/argus-no-such/video.avi");
        Assert.Equal(2, refused);
        Assert.Contains("BadInputException", why);
        Assert.Contains("unknown model 'nope'", why);
        Assert.Contains("is missing from", why);
    }
}
