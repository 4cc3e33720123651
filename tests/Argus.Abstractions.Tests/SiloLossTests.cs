using Argus.Devices;
using Argus.Errors;
using Orleans.Runtime;

namespace Argus.Abstractions.Tests;

public sealed class SiloLossTests
{
    public static TheoryData<Exception> SiloLosses => new()
    {
        new SiloUnavailableException("silo gone"),
        new OrleansException("activation failed"),
        new TimeoutException("no response"),
    };

    public static TheoryData<Exception> Answers => new()
    {
        new BadInputException("not an image"),
        new UnknownModelException("nope"),
        new OverloadedException("busy", TimeSpan.FromSeconds(1)),
        new NotReadyException("loading"),
        new InvalidOperationException("a bug"),
    };

    [Theory]
    [MemberData(nameof(SiloLosses))]
    public void A_lost_silo_is_retried_on_another_device(Exception e) => Assert.True(SiloLoss.Is(e));

    [Theory]
    [MemberData(nameof(Answers))]
    public void What_a_device_answered_is_never_retried(Exception e) => Assert.False(SiloLoss.Is(e));
}
