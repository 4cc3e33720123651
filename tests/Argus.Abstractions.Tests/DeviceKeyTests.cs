using Argus.Devices;

namespace Argus.Abstractions.Tests;

public sealed class DeviceKeyTests
{
    [Theory]
    [InlineData("silo-0/cpu0", "silo-0", "cpu0")]
    [InlineData("10.0.0.7:11111/cuda1", "10.0.0.7:11111", "cuda1")]
    public void Parses_and_formats_round_trip(string text, string silo, string device)
    {
        var key = DeviceKey.Parse(text);
        Assert.Equal(new DeviceKey(silo, device), key);
        Assert.Equal(text, key.ToString());
    }

    [Theory]
    [InlineData("cpu0")]
    [InlineData("/cpu0")]
    [InlineData("silo-0/")]
    public void Refuses_keys_without_both_parts(string text) => Assert.Throws<FormatException>(() => DeviceKey.Parse(text));
}
