using Argus.Cameras;
using Argus.Devices;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class AlertRulesTests
{
    private static readonly AlertRule Text = new("text", AlertRuleKind.Detection, "text-detection", 0.7, K: 2, N: 3);

    private static readonly AlertRule Change = new("change", AlertRuleKind.SceneChange, "resnet18", 0.5, K: 2, N: 3);

    private static ItemResult Boxes(params float[] scores) =>
        new() { Detections = [.. scores.Select(s => new Detection(s, 1, 2, 3, 4, []))] };

    private static ItemResult Embedding(params float[] values) => new() { Embedding = values };

    /// <summary>Runs the frames through the rule; returns the final state and, per frame, whether it raised an alert.</summary>
    private static (RuleState State, bool[] Raised) Run(AlertRule rule, params ItemResult[] frames)
    {
        var state = RuleState.Start(rule);
        var raised = new bool[frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            var step = AlertRules.Evaluate(state, frames[i]);
            state = step.State;
            raised[i] = step.Raise is not null;
        }

        return (state, raised);
    }

    [Fact]
    public void The_window_keeps_the_last_n_hits_oldest_first()
    {
        bool[] window = [];
        foreach (var hit in new[] { true, false, true, true })
        {
            window = AlertRules.Slide(window, hit, n: 3);
        }

        Assert.Equal([false, true, true], window);
        Assert.True(AlertRules.KOfN(window, 2));
        Assert.False(AlertRules.KOfN(window, 3));
    }

    [Fact]
    public void A_detection_rule_raises_once_when_k_of_the_last_n_frames_hold_a_region_at_the_threshold()
    {
        var (state, raised) = Run(Text, Boxes(0.9f), Boxes(0.5f), Boxes(0.7f, 0.2f), Boxes(0.95f), Boxes(0.8f));

        // Hits: yes, no (0.5 < 0.7), yes (0.7 counts) → 2 of 3 raise; still 2 of 3, then 3 of 3: no second alert.
        Assert.Equal([false, false, true, false, false], raised);
        Assert.True(state.Raised);
        Assert.Equal([true, true, true], state.Window);
    }

    [Fact]
    public void The_evidence_is_the_regions_at_or_above_the_threshold_and_the_best_score()
    {
        var state = RuleState.Start(Text with { K = 1, N = 1 });

        var step = AlertRules.Evaluate(state, Boxes(0.75f, 0.3f, 0.9f));

        Assert.NotNull(step.Raise);
        Assert.Equal(0.9, step.Raise.Score, 6);
        Assert.Equal([0.75f, 0.9f], step.Raise.Detections.Select(d => d.Score));
    }

    [Fact]
    public void A_rule_re_arms_when_its_condition_clears_and_raises_again()
    {
        var (_, raised) = Run(Text, Boxes(0.9f), Boxes(0.9f), Boxes(), Boxes(), Boxes(0.9f), Boxes(0.9f));

        // Raised at frame 2 and held at 3 (2 of 3); at frame 4 only 1 of the last 3 is a hit: cleared; 6 makes 2 of 3 again.
        Assert.Equal([false, true, false, false, false, true], raised);
    }

    [Fact]
    public void A_frame_without_detections_is_no_hit()
    {
        var (state, raised) = Run(Text with { K = 1, N = 1 }, new ItemResult());

        Assert.Equal([false], raised);
        Assert.Equal([false], state.Window);
    }

    [Fact]
    public void The_first_frame_sets_the_scene_baseline_and_is_no_hit()
    {
        var (state, raised) = Run(Change with { K = 1, N = 1 }, Embedding(3, 4));

        Assert.Equal([false], raised);
        Assert.Equal([0.6, 0.8], state.Baseline!.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void A_scene_change_is_a_frame_far_from_the_baseline_in_k_of_n_frames()
    {
        var (state, raised) = Run(Change, Embedding(1, 0), Embedding(0, 1), Embedding(0, 1));

        Assert.Equal([false, false, true], raised);
        Assert.Equal([false, true, true], state.Window);
    }

    [Fact]
    public void The_alert_carries_the_distance_from_the_baseline()
    {
        var state = RuleState.Start(Change with { K = 1, N = 1 });
        state = AlertRules.Evaluate(state, Embedding(1, 0)).State;

        var step = AlertRules.Evaluate(state, Embedding(-1, 0));

        Assert.Equal(2, step.Raise!.Score, 6);
        Assert.Empty(step.Raise.Detections);
    }

    [Fact]
    public void Only_frames_that_are_not_hits_move_the_baseline()
    {
        var state = RuleState.Start(Change);
        state = AlertRules.Evaluate(state, Embedding(1, 0)).State;

        var afterHit = AlertRules.Evaluate(state, Embedding(0, 1)).State;            // distance 1 ≥ 0.5: a hit
        var afterCalm = AlertRules.Evaluate(afterHit, Embedding(0.9f, 0.1f)).State;  // close: not a hit

        Assert.Equal(state.Baseline, afterHit.Baseline);
        Assert.NotEqual(afterHit.Baseline, afterCalm.Baseline);
        Assert.True(afterCalm.Baseline![1] > 0);
    }

    [Fact]
    public void A_lasting_change_keeps_counting_instead_of_becoming_the_baseline()
    {
        var frames = new[] { Embedding(1, 0) }.Concat(Enumerable.Repeat(Embedding(0, 1), 20)).ToArray();

        var (state, raised) = Run(Change, frames);

        Assert.Equal(1, raised.Count(r => r));
        Assert.True(state.Raised);
        Assert.Equal([1.0, 0.0], state.Baseline!.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void An_embedding_of_another_size_starts_the_baseline_again()
    {
        var state = AlertRules.Evaluate(RuleState.Start(Change with { K = 1, N = 1 }), Embedding(1, 0)).State;

        var step = AlertRules.Evaluate(state, Embedding(0, 0, 2));

        Assert.Null(step.Raise);
        Assert.Equal([0.0, 0.0, 1.0], step.State.Baseline!.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void The_message_names_the_camera_the_measure_and_the_window()
    {
        var evidence = new RuleEvidence(true, 0.3141, []);

        Assert.Equal(
            "Camera 'gate': the scene changed, cosine distance 0.314 from its baseline (threshold 0.5) in 2 of the last 3 frames.",
            AlertRules.Describe(Change, evidence, "gate"));
        Assert.StartsWith("Camera 'gate': text-detection found 0 region(s), best score 0.314", AlertRules.Describe(Text, evidence, "gate"));
    }
}
