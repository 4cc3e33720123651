using Argus.Inference.Models;

namespace Argus.Inference.Tests.Models;

/// <summary>How many intra-op threads each session takes: the configured count, else this silo's share of the cores.</summary>
public sealed class SessionThreadsTests
{
    [Theory]
    [InlineData(0, 1, 2, 2)] // alone on 2 cores: both
    [InlineData(0, 3, 2, 1)] // 3 silos on 2 cores: at least one each
    [InlineData(0, 3, 16, 5)] // 3 silos on 16 cores: 5 each, a core to spare for the web server and Orleans
    [InlineData(0, 2, 16, 8)]
    [InlineData(0, 1, 4, 4)] // a container limited to 4 CPUs (cpu.max 400000 100000): .NET counts 4
    [InlineData(3, 4, 16, 3)] // configured: taken as it is
    public void Each_session_takes_the_configured_threads_or_its_share_of_the_cores(int configured, int silos, int cores, int expected) =>
        Assert.Equal(expected, new InferenceOptions { IntraOpThreads = configured, SilosPerNode = silos }.SessionThreads(cores));

    [Fact]
    public void Silos_per_node_below_one_is_refused()
    {
        var options = new InferenceOptions { SilosPerNode = 0, Models = [new ModelOptions { Name = "m", Path = "m.onnx" }] };

        var result = new InferenceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("SilosPerNode must be at least 1", StringComparison.Ordinal));
    }
}
