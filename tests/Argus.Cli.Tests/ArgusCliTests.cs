using System.Text.RegularExpressions;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary>One real silo process for all the CLI tests; its HTTP API needs <see cref="ApiKey"/> (the SDK's gateway does not).</summary>
public sealed class CliSiloFixture : IAsyncLifetime
{
    public const string ApiKey = "cli-test-key-0123456789";

    /// <summary>A key that may infer but not administer (no autoscaler, no dashboard).</summary>
    public const string InferKey = "cli-infer-key-0123456789";

    public SiloProcess? Silo { get; private set; }

    /// <summary>The silo's one device, as it reports it (<c>cpu0</c> here, <c>cuda0</c> where CUDA loads).</summary>
    public SiloDevice Device { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("cli-0", new Dictionary<string, string>
        {
            ["Argus__Auth__ApiKeys__0"] = ApiKey,
            ["Argus__Auth__Keys__0__Name"] = "infer-only",
            ["Argus__Auth__Keys__0__Key"] = InferKey,
            ["Argus__Auth__Keys__0__Roles__0"] = "infer",
        });
        Device = Assert.Single(await Silo.GetDevicesAsync(ApiKey));
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }

    /// <summary>Runs the argus command against the silo's gateway and captures what it writes.</summary>
    public Task<(int Code, string Output)> RunAsync(params string[] args) =>
        CapturedConsole.RunAsync(["--gateway", Silo!.GatewayPort.ToString(), .. args]);
}

/// <summary>The test classes that share the one silo (and so never run at once).</summary>
[CollectionDefinition(Name)]
public sealed class CliSiloCollection : ICollectionFixture<CliSiloFixture>
{
    public const string Name = "cli silo";
}

/// <summary>The argus command against a real silo, its output captured.</summary>
[Collection(CliSiloCollection.Name)]
public sealed class ArgusCliTests(CliSiloFixture fixture)
{
    private Task<(int Code, string Output)> RunAsync(params string[] args) => fixture.RunAsync(args);

    [Fact]
    public async Task Infer_prints_a_row_per_image_and_fails_only_on_the_bad_one()
    {
        var dir = Directory.CreateTempSubdirectory("argus-cli-");
        try
        {
            var good = Path.Combine(dir.FullName, "line.png");
            var bad = Path.Combine(dir.FullName, "broken.jpg");
            await File.WriteAllBytesAsync(good, TestData.Image("imageTextN.png"));
            await File.WriteAllBytesAsync(bad, TestData.TruncatedJpeg());

            var (code, output) = await RunAsync("infer", "--model", "text-direction", good, bad);

            Assert.Equal(1, code);
            Assert.Contains($"text-direction v2.0 on {fixture.Device.Key}", output);
            Assert.Matches(@"line\.png\s+│\s+(0|180) \d\.\d{3}, (0|180) \d\.\d{3}", output);
            Assert.Contains("BadInput: Truncated JPEG", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Infer_with_the_text_detector_prints_the_count_and_a_row_per_box()
    {
        var (code, output) = await RunAsync("infer", "--model", "text-detection", Path.Combine(TestData.ImagesDir, "board.jpg"));

        Assert.Equal(0, code);
        Assert.Contains($"text-detection v4 on {fixture.Device.Key}", output);
        var count = int.Parse(Regex.Match(output, @"board\.jpg\s+│\s+(\d+) detections").Groups[1].Value);
        Assert.True(count >= 5, output);
        Assert.Equal(count, Regex.Matches(output, @"│\s+0\.\d{3} \d+,\d+ \d+×\d+\s+│").Count);
    }

    [Fact]
    public async Task Status_lists_the_silos_devices_and_models()
    {
        await Eventually.HoldsAsync(async () => (await RunAsync("status")).Code == 0, TimeSpan.FromSeconds(30), "the device to report");

        var (_, output) = await RunAsync("status");

        Assert.Contains(fixture.Device.Key, output);
        Assert.Contains("resnet18 v1, text-direction v2.0, text-detection v4", output);
        Assert.Contains("1 silo(s), 1 device(s).", output);
    }

    [Fact]
    public async Task Usage_errors_and_unknown_models_are_reported_with_a_non_zero_code()
    {
        Assert.NotEqual(0, (await RunAsync("infer")).Code);
        var (code, output) = await RunAsync("infer", "--model", "nope", "/no/such/file.jpg");
        Assert.Equal(2, code);
        Assert.Contains("No such file", output);
    }

    [Fact]
    public async Task A_command_with_no_silo_at_its_gateway_says_so_and_exits_with_2()
    {
        // Port 1: nothing listens there. Orleans' own retries would keep the command waiting for 3 minutes.
        var (code, output) = await CapturedConsole.RunAsync(["--gateway", "1", "status"]).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(2, code);
        Assert.Contains("Cannot reach the cluster within 10 s", output);
    }
}
