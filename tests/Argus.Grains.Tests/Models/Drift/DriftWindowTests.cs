using Argus.Grains.Models.Drift;
using Argus.Models;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class DriftWindowTests
{
    private static readonly DateTime At = new(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc);

    private static DriftOptions Options(int reference = 4, int window = 3, int alarmAfter = 2) =>
        new() { ReferenceSize = reference, WindowSize = window, AlarmAfter = alarmAfter, Permutations = 50 };

    private static DriftSample Class(int index) => new(DriftOutput.Class, null, index);

    private static DriftSample Vector(params float[] values) => new(DriftOutput.Embedding, values, 0);

    private static DriftSample[] Classes(int count, int index) => [.. Enumerable.Repeat(index, count).Select(Class)];

    private static DriftVerdict Verdict(double p) => new(DriftStatistic.JensenShannon, 0.1, p, 0.2);

    [Fact]
    public void The_first_outputs_fill_the_reference_then_every_window_of_new_outputs_is_tested_once()
    {
        var window = new DriftWindow(Options(), null, new Random(1));

        Assert.Empty(window.Add(Classes(4, 0))); // the reference
        Assert.Empty(window.Add(Classes(2, 0)));
        var check = Assert.Single(window.Add([Class(1)]));
        Assert.Equal([0, 0, 0, 0], check.Reference.Select(s => s.Value));
        Assert.Equal([0, 0, 1], check.Window.Select(s => s.Value));

        Assert.Empty(window.Add([Class(2), Class(3)])); // sliding: two new of three
        var next = Assert.Single(window.Add([Class(4)]));
        Assert.Equal([2, 3, 4], next.Window.Select(s => s.Value));

        var status = window.Status("m", "1");
        Assert.Equal((DriftStatistic.JensenShannon, DriftReferenceSource.FirstSamples, 4, 3, 10L, 0L), (status.Statistic, status.ReferenceSource, status.ReferenceSize, status.WindowSize, status.Samples, status.ChecksRun));
    }

    [Fact]
    public void One_batch_that_completes_two_windows_gives_two_checks_in_order()
    {
        var window = new DriftWindow(Options(), null, new Random(1));
        window.Add(Classes(4, 0));

        var checks = window.Add([Class(1), Class(2), Class(3), Class(4), Class(5), Class(6), Class(7)]);

        Assert.Equal([[1, 2, 3], [4, 5, 6]], checks.Select(c => c.Window.Select(s => s.Value).ToArray()));
    }

    [Fact]
    public void The_alarm_is_raised_after_K_drifting_windows_in_a_row_and_cleared_by_one_that_does_not_drift()
    {
        var window = new DriftWindow(Options(alarmAfter: 2), null, new Random(1));

        Assert.Equal(AlarmChange.None, window.Record(Verdict(0.01), At));
        Assert.Equal(AlarmChange.Raised, window.Record(Verdict(0.02), At.AddSeconds(1)));
        Assert.Equal(AlarmChange.None, window.Record(Verdict(0.01), At.AddSeconds(2)));
        var raised = window.Status("m", "1");
        Assert.Equal((3, true, 3L, At.AddSeconds(2), 0.01), (raised.DriftingWindows, raised.AlarmRaised, raised.ChecksRun, raised.LastCheckedAt, raised.PValue));

        Assert.Equal(AlarmChange.Cleared, window.Record(Verdict(0.5), At.AddSeconds(3)));
        Assert.Equal((0, false), (window.Status("m", "1").DriftingWindows, window.Status("m", "1").AlarmRaised));
    }

    [Fact]
    public void Class_windows_like_the_reference_do_not_drift_and_a_new_class_does()
    {
        var random = new Random(3);
        var window = new DriftWindow(Options(reference: 100, window: 100), null, new Random(4));
        window.Add([.. Enumerable.Range(0, 100).Select(_ => Class(random.Next(3)))]);

        var same = Assert.Single(window.Add([.. Enumerable.Range(0, 100).Select(_ => Class(random.Next(3)))])).Run();
        var moved = Assert.Single(window.Add([.. Enumerable.Range(0, 100).Select(i => Class(i % 2 == 0 ? 3 : random.Next(3)))])).Run();

        Assert.Equal(DriftStatistic.JensenShannon, same.Statistic);
        Assert.True(same.PValue >= 0.05, $"p {same.PValue}");
        Assert.True(moved.PValue < 0.05 && moved.Score > same.Score, $"p {moved.PValue}, JS {moved.Score} against {same.Score}");
        Assert.NotNull(moved.Psi);
    }

    [Fact]
    public void Long_vectors_are_tested_by_MMD_after_a_projection_and_short_ones_as_they_are()
    {
        var random = new Random(5);
        DriftSample Long() => Vector([.. Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble())]);
        var window = new DriftWindow(Options(reference: 10, window: 10), null, new Random(6));
        window.Add([.. Enumerable.Range(0, 10).Select(_ => Long())]);

        var check = Assert.Single(window.Add([.. Enumerable.Range(0, 10).Select(_ => Long())]));
        var verdict = check.Run();

        Assert.Equal(32, check.Projection!.OutputDimensions);
        Assert.Equal(DriftStatistic.Mmd, verdict.Statistic);
        Assert.Null(verdict.Psi);

        var shortWindow = new DriftWindow(Options(reference: 2, window: 2), null, new Random(6));
        shortWindow.Add([Vector(1, 2), Vector(2, 1)]);
        Assert.Null(Assert.Single(shortWindow.Add([Vector(1, 1), Vector(2, 2)])).Projection);
    }

    [Fact]
    public void Outputs_of_another_kind_or_length_or_not_finite_are_ignored_and_counted()
    {
        var window = new DriftWindow(Options(reference: 2, window: 2), null, new Random(1));

        window.Add([Vector(1, 2), Vector(1, 2, 3), new DriftSample(DriftOutput.Raw, [1, 2], 0), Class(1), Vector(float.NaN, 1), Vector(3, 4)]);

        var status = window.Status("m", "1");
        Assert.Equal((2L, 4L, 2, DriftStatistic.Mmd), (status.Samples, status.Ignored, status.ReferenceSize, status.Statistic));
    }

    [Fact]
    public void A_folder_reference_is_awaited_while_the_window_fills_and_tested_against_once_it_comes()
    {
        var window = new DriftWindow(Options(reference: 4, window: 3), "/refs", new Random(1));
        Assert.True(window.AwaitsFolder);

        Assert.Empty(window.Add(Classes(5, 1))); // no reference yet: the window slides
        window.UseReference(Classes(6, 0));

        Assert.False(window.AwaitsFolder);
        var check = Assert.Single(window.Add([Class(2)]));
        Assert.Equal(4, check.Reference.Count); // a folder gives at most ReferenceSize
        Assert.Equal([1, 1, 2], check.Window.Select(s => s.Value));
        Assert.Equal((DriftReferenceSource.Folder, "/refs"), (window.Status("m", "1").ReferenceSource, window.Status("m", "1").ReferenceFolder));
    }

    [Fact]
    public void A_folder_that_gives_fewer_than_two_outputs_leaves_the_first_outputs_as_the_reference()
    {
        var window = new DriftWindow(Options(reference: 4, window: 3), "/refs", new Random(1));
        window.Add(Classes(3, 1));

        window.UseReference([Class(0)]);

        var status = window.Status("m", "1");
        Assert.Equal((DriftReferenceSource.FirstSamples, null, 3), (status.ReferenceSource, status.ReferenceFolder, status.ReferenceSize));
        Assert.Empty(window.Add([Class(2)])); // the fourth output completes the reference
        Assert.Single(window.Add(Classes(3, 1)));
    }
}
