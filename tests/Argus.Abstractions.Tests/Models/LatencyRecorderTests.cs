using Argus.Models;

namespace Argus.Abstractions.Tests.Models;

public sealed class LatencyRecorderTests
{
    [Fact]
    public void Threads_recording_at_once_lose_nothing_and_a_take_starts_afresh()
    {
        var recorder = new LatencyRecorder();

        Parallel.For(0, 8, thread =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                recorder.Record(1 + (i % 100));
            }
        });
        var window = recorder.Take();

        Assert.Equal(80_000, window.Count);
        Assert.Equal(50.5, window.MeanMs, 9);
        Assert.Equal(LatencyHistogram.Empty, recorder.Take());
    }

    [Fact]
    public void Each_latency_lands_in_exactly_one_window_while_windows_are_taken()
    {
        var recorder = new LatencyRecorder();
        var windows = new List<LatencyHistogram>();
        var recording = Task.Run(() =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                recorder.Record(5);
            }
        });

        while (!recording.IsCompleted)
        {
            windows.Add(recorder.Take());
        }

        windows.Add(recorder.Take());
        Assert.Equal(200_000, windows.Sum(w => w.Count));
    }

    [Fact]
    public void A_time_span_records_as_its_milliseconds()
    {
        var bySpan = new LatencyRecorder();
        var byMs = new LatencyRecorder();

        bySpan.Record(TimeSpan.FromMilliseconds(12.5));
        byMs.Record(12.5);

        Assert.Equal(byMs.Take(), bySpan.Take());
    }
}
