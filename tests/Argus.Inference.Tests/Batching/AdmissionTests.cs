using Argus.Inference.Batching;

namespace Argus.Inference.Tests.Batching;

public sealed class AdmissionTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Admits_when_the_work_ahead_ends_before_the_deadline() =>
        Assert.True(Admission.Decide(3, 10, 60 * Ms, 20 * Ms, Now, Now + 100 * Ms).Admitted);

    [Fact]
    public void Rejects_a_full_lane_at_once_and_says_when_it_drains()
    {
        var d = Admission.Decide(10, 10, 200 * Ms, 20 * Ms, Now, Now + TimeSpan.FromSeconds(10));
        Assert.Equal(RejectReason.QueueFull, d.Reason);
        Assert.False(d.Admitted);
        Assert.Equal(200 * Ms, d.RetryAfter);
    }

    [Fact]
    public void Rejects_when_the_work_ahead_would_end_after_the_deadline()
    {
        var d = Admission.Decide(3, 10, 90 * Ms, 20 * Ms, Now, Now + 100 * Ms);
        Assert.Equal(AdmissionDecision.Reject(RejectReason.DeadlineUnreachable, 90 * Ms), d);
    }

    [Fact]
    public void Rejects_a_deadline_that_has_passed_and_asks_for_at_least_the_item_cost() =>
        Assert.Equal(AdmissionDecision.Reject(RejectReason.DeadlineExpired, 20 * Ms), Admission.Decide(0, 10, TimeSpan.Zero, 20 * Ms, Now, Now));

    [Fact]
    public void An_idle_device_rejects_an_item_that_cannot_run_in_its_own_deadline()
    {
        var d = Admission.Decide(0, 10, TimeSpan.Zero, 20 * Ms, Now, Now + 5 * Ms);
        Assert.Equal(RejectReason.DeadlineUnreachable, d.Reason);
        Assert.Equal(20 * Ms, d.RetryAfter);
    }
}
