using Argus.Errors;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Targets;
using Microsoft.Extensions.Time.Testing;

namespace Argus.LoadTesting.Tests.Load;

public sealed class PoissonArrivalsTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(250)]
    public void Gaps_average_one_over_the_rate_and_spread_like_an_exponential(double rate)
    {
        var arrivals = new PoissonArrivals(rate, new Random(42));
        var gaps = Enumerable.Range(0, 100_000).Select(_ => arrivals.NextGap().TotalSeconds).ToArray();

        var mean = gaps.Average();
        var sd = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));
        Assert.InRange(1 / mean, rate * 0.98, rate * 1.02);
        Assert.InRange(sd / mean, 0.97, 1.03); // an exponential's standard deviation equals its mean
        Assert.InRange(gaps.Count(g => g < mean) / (double)gaps.Length, 0.61, 0.65); // 1 - 1/e below the mean
    }

    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        var a = new PoissonArrivals(50, new Random(7));
        var b = new PoissonArrivals(50, new Random(7));
        Assert.Equal(Enumerable.Range(0, 10).Select(_ => a.NextGap()), Enumerable.Range(0, 10).Select(_ => b.NextGap()));
    }

    [Fact]
    public async Task An_open_loop_sends_on_its_schedule()
    {
        var time = new FakeTimeProvider();
        var target = FakeTarget.Answering();
        await using var load = OpenLoop.Start(target, FakeImages.Create(), 400, maxOutstanding: 1000, new Random(1), time: time);

        var dueTimes = DueTimes(new PoissonArrivals(400, new Random(1)), TimeSpan.FromSeconds(1));
        var expected = dueTimes.Length;
        var beforeLastStep = dueTimes.Count(t => t <= TimeSpan.FromMilliseconds(999));

        var measuring = load.MeasureAsync(TimeSpan.FromSeconds(1));
        await AdvanceAsync(time, TimeSpan.FromMilliseconds(999));
        await Argus.Testing.Eventually.HoldsAsync(() => Task.FromResult(target.Calls == beforeLastStep), TimeSpan.FromSeconds(10), "the schedule to be sent");
        await AdvanceAsync(time, TimeSpan.FromMilliseconds(1));
        var window = await measuring;

        Assert.InRange(expected, 360, 440);
        // Timers count whole milliseconds: an arrival due within the first may go out before the window opens.
        Assert.InRange(window.Sent, beforeLastStep - dueTimes.Count(t => t < TimeSpan.FromMilliseconds(1)), expected);
        Assert.Equal(window.Sent, window.Answered);
        Assert.Equal(TimeSpan.FromSeconds(1), window.Duration);
    }

    [Fact]
    public async Task Outstanding_requests_stay_bounded_and_the_excess_is_dropped_and_counted()
    {
        // A device that holds every request until released, offered 2000 requests a second.
        var time = new FakeTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = new FakeTarget(async images =>
        {
            await release.Task;
            return TargetAnswer.Rejected(images.Count, "full");
        });
        await using var load = OpenLoop.Start(target, FakeImages.Create(), 2000, maxOutstanding: 8, new Random(3), time: time);
        var dueTimes = DueTimes(new PoissonArrivals(2000, new Random(3)), TimeSpan.FromMilliseconds(300));

        var measuring = load.MeasureAsync(TimeSpan.FromMilliseconds(300));
        for (var ms = 1; ms < 300; ms++)
        {
            // Each step waits for the schedule to catch up, so a slow thread cannot push arrivals past the window.
            time.Advance(TimeSpan.FromMilliseconds(1));
            var due = dueTimes.Count(t => t <= TimeSpan.FromMilliseconds(ms));
            await Argus.Testing.Eventually.HoldsAsync(() => Task.FromResult(load.Offered >= due), TimeSpan.FromSeconds(10), $"the arrivals due by {ms} ms");
        }

        time.Advance(TimeSpan.FromMilliseconds(1));
        await Argus.Testing.Eventually.HoldsAsync(() => Task.FromResult(target.MaxInFlight == 8), TimeSpan.FromSeconds(10), "eight requests in flight");
        release.SetResult();
        var window = await measuring;

        Assert.Equal(8, target.MaxInFlight);

        // Timers count whole milliseconds: the arrivals due in the first one (about two at 2000/s) may go out before the
        // window opens, depending on which thread runs first, and are not in it; those due in the last one may fall after.
        var early = dueTimes.Count(t => t < TimeSpan.FromMilliseconds(1));
        Assert.InRange(window.Rejected, 8 - early, 8);
        Assert.InRange(window.Dropped, dueTimes.Count(t => t <= TimeSpan.FromMilliseconds(299)) - 8, dueTimes.Length - 8);
        Assert.Equal(window.Sent, window.Rejected + window.Dropped);
        Assert.Equal(0, window.Answered);
    }

    /// <summary>The arrival times <paramref name="arrivals"/> schedules up to <paramref name="until"/>.</summary>
    private static TimeSpan[] DueTimes(PoissonArrivals arrivals, TimeSpan until)
    {
        var due = new List<TimeSpan>();
        for (var t = arrivals.NextGap(); t <= until; t += arrivals.NextGap())
        {
            due.Add(t);
        }

        return [.. due];
    }

    /// <summary>Moves fake time on a millisecond at a time, so each arrival falls due in its own step.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromMilliseconds(1))
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_closed_loop_holds_its_concurrency_and_an_in_process_target_gets_it_as_one_batch()
    {
        var remote = FakeTarget.Answering();
        // Wall-clock windows: long enough that busy cores still answer something inside them.
        await using (var load = ClosedLoop.Start(remote, FakeImages.Create(), 4))
        {
            var window = await load.MeasureAsync(TimeSpan.FromSeconds(1));
            Assert.True(window.Answered > 0);
        }

        Assert.Equal(4, remote.MaxInFlight);
        Assert.Equal(1, remote.MaxImagesPerRequest);

        var local = FakeTarget.Answering(batchSize: 8, runsInProcess: true);
        await using (var load = ClosedLoop.Start(local, FakeImages.Create(), 4, imagesPerRequest: 2))
        {
            var window = await load.MeasureAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(8, window.AverageBatchSize);
        }

        Assert.Equal(1, local.MaxInFlight);
        Assert.Equal(8, local.MaxImagesPerRequest);
    }

    [Fact]
    public async Task Answers_refusals_and_failures_are_told_apart()
    {
        var calls = 0;
        var target = new FakeTarget(images => (Interlocked.Increment(ref calls) % 4) switch
        {
            0 => Task.FromResult(TargetAnswer.Rejected(images.Count, "busy")),
            1 => throw new HttpRequestException("HTTP 500: oops"),
            2 => Task.FromResult(new TargetAnswer(FakeTarget.Device, [Argus.Devices.ItemResult.Failed(new InferenceError(ErrorKind.BadInput, "bad"))])),
            _ => Task.FromResult(FakeTarget.Ok(images.Count)),
        });
        await using var load = ClosedLoop.Start(target, FakeImages.Create(), 1);

        var window = await load.MeasureAsync(TimeSpan.FromMilliseconds(100));

        Assert.True(window.Sent >= 4);
        Assert.InRange(window.Answered, window.Sent / 4 - 1, window.Sent / 4 + 1);
        Assert.InRange(window.Rejected, window.Sent / 4 - 1, window.Sent / 4 + 1);
        Assert.Equal(window.Sent - window.Answered - window.Rejected, window.Failed);
        Assert.Contains(window.Errors, e => e.Key == "HttpRequestException: HTTP 500: oops");
        Assert.Contains(window.Errors, e => e.Key == "BadInput: bad");
    }
}
