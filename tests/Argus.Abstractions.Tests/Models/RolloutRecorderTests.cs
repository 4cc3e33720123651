using Argus.Models;

namespace Argus.Abstractions.Tests.Models;

public sealed class RolloutRecorderTests
{
    [Fact]
    public void A_drain_hands_over_each_period_once_per_model_and_the_totals_keep_counting()
    {
        var recorder = new RolloutRecorder();
        recorder.Answered("ResNet18", "1", shadow: false, TimeSpan.FromMilliseconds(10), items: 4, errors: 1);
        recorder.Answered("resnet18", "2", shadow: true, TimeSpan.FromMilliseconds(30), items: 2, errors: 0);
        recorder.Compared("resnet18", "2", agreementSum: 1.5, items: 2);
        recorder.Dropped("resnet18", "2");
        recorder.Answered("other", "1", shadow: false, TimeSpan.FromMilliseconds(1), items: 1, errors: 0);

        var reports = recorder.Drain("silo-0");

        Assert.Equal(["other", "resnet18"], reports.Select(r => r.Model).Order());
        var resnet = reports.Single(r => r.Model == "resnet18").Versions;
        var served = resnet.Single(w => w is { Version: "1", Shadow: false });
        Assert.Equal((4, 1, 1), (served.Items, served.Errors, served.Latency.Count));
        var copies = resnet.Single(w => w is { Version: "2", Shadow: true });
        Assert.Equal((2L, 1L), (copies.Items, copies.Dropped));
        Assert.Equal((1.5, 2L), (resnet.Single(w => w is { Version: "2", Shadow: false }).AgreementSum, resnet.Single(w => w is { Version: "2", Shadow: false }).AgreementItems));

        Assert.Empty(recorder.Drain("silo-0"));
        var totals = recorder.Totals().Single(t => t is { Model: "resnet18", Version: "1", Shadow: false });
        Assert.Equal((4, 1), (totals.Items, totals.Errors));
    }

    [Fact]
    public void Answers_recorded_from_many_threads_are_all_counted()
    {
        var recorder = new RolloutRecorder();
        long drained = 0;
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                recorder.Answered("m", "1", shadow: false, TimeSpan.FromMilliseconds(1), items: 1, errors: 0);
                if (i % 1000 == 0)
                {
                    Interlocked.Add(ref drained, recorder.Drain("s").SelectMany(r => r.Versions).Sum(w => w.Items));
                }
            }
        });

        drained += recorder.Drain("s").SelectMany(r => r.Versions).Sum(w => w.Items);
        Assert.Equal(80_000, drained);
    }
}
