using Argus.LocalCluster;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary>
/// What starts silos on one machine tells each how many share its cores, and the scripts that need what a machine lacks
/// say so at once.
/// </summary>
public sealed class ScriptTests
{
    private static Task<(int Code, string Output)> RunScriptAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        LocalPack.RunAsync("bash", [Path.Combine(TestData.RepoRoot, "scripts", script), .. args], TimeSpan.FromMinutes(1), environment);

    [Fact]
    public async Task The_local_autoscaler_tells_its_silos_that_as_many_as_it_may_start_share_the_cores()
    {
        var options = new LocalAutoscalerOptions { SiloDll = SiloProcess.SiloDll(), Redis = "127.0.0.1:6379", MinSilos = 1, MaxSilos = 3 };
        var given = options with { Settings = new Dictionary<string, string> { [LocalAutoscaler.SilosPerNodeSetting] = "1" } };

        await using var shared = new LocalAutoscaler(options);
        await using var configured = new LocalAutoscaler(given);

        Assert.Equal("3", shared.SiloSettings[LocalAutoscaler.SilosPerNodeSetting]);
        Assert.Equal("1", configured.SiloSettings[LocalAutoscaler.SilosPerNodeSetting]); // as its settings say
    }

    [Fact]
    public async Task Run_silo_refuses_several_silos_without_a_redis_to_join_them_and_a_count_that_is_not_one()
    {
        var noRedis = new Dictionary<string, string> { ["Argus__Redis"] = "" };

        var (code, output) = await RunScriptAsync("run-silo.sh", noRedis, "--silos", "3");
        Assert.Equal(2, code);
        Assert.Contains("--silos 3 needs a Redis to join the silos: set Argus__Redis", output, StringComparison.Ordinal);

        (code, output) = await RunScriptAsync("run-silo.sh", noRedis, "--silos", "0");
        Assert.Equal(2, code);
        Assert.Contains("--silos needs a whole number of silos, at least 1 (got '0')", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gpu_check_stops_at_once_with_a_clear_message_where_there_is_no_nvidia_gpu()
    {
        // An nvidia-smi that lists no GPU, so a GPU host gives the same answer as this one.
        var (code, output) = await RunScriptAsync("gpu-check.sh", new Dictionary<string, string> { ["NVIDIA_SMI"] = "false" });

        Assert.Equal(3, code);
        Assert.Contains("no NVIDIA GPU here ('false' is missing or lists no GPU)", output, StringComparison.Ordinal);
        Assert.Contains("nothing was built or started", output, StringComparison.Ordinal);
    }
}
