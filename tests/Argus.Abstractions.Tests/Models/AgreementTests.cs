using Argus.Devices;
using Argus.Errors;
using Argus.Models;

namespace Argus.Abstractions.Tests.Models;

public sealed class AgreementTests
{
    private static ItemResult Classified(params int[] indexes) =>
        new() { Classes = [.. indexes.Select((index, rank) => new ClassScore(index, $"class {index}", 0.9f - (0.1f * rank)))] };

    private static Detection Box(float x, float y, float width, float height) => new(0.9f, x, y, width, height, []);

    private static readonly ItemResult Failed = ItemResult.Failed(new InferenceError(ErrorKind.Internal, "boom"));

    [Fact]
    public void Classifiers_agree_when_they_rank_the_same_class_first()
    {
        Assert.Equal(1, Agreement.Of(Classified(3, 1), Classified(3, 7)));
        Assert.Equal(0, Agreement.Of(Classified(3, 1), Classified(1, 3)));
        Assert.Null(Agreement.Of(Classified(), Classified(3)));
    }

    [Fact]
    public void Embeddings_agree_by_their_cosine()
    {
        Assert.Equal(1, Agreement.Of(new() { Embedding = [1, 2, 3] }, new() { Embedding = [2, 4, 6] })!.Value, 6);
        Assert.Equal(0, Agreement.Of(new() { Embedding = [1, 0] }, new() { Embedding = [0, 5] })!.Value, 6);
        Assert.Equal(-1, Agreement.Of(new() { Embedding = [1, 1] }, new() { Embedding = [-1, -1] })!.Value, 6);
        Assert.Equal(Math.Sqrt(0.5), Agreement.Of(new() { Embedding = [1, 0] }, new() { Embedding = [1, 1] })!.Value, 6);
    }

    [Fact]
    public void Zero_vectors_agree_with_each_other_and_with_nothing_else()
    {
        Assert.Equal(1, Agreement.Cosine([0, 0], [0, 0]));
        Assert.Equal(0, Agreement.Cosine([0, 0], [1, 0]));
        Assert.Equal(0, Agreement.Cosine([3, 4], [0, 0]));
        Assert.Equal(1, Agreement.Cosine([], []));
    }

    [Fact]
    public void Raw_outputs_agree_by_their_cosine() =>
        Assert.Equal(1, Agreement.Of(new() { Raw = [0.5f, -2] }, new() { Raw = [1, -4] })!.Value, 6);

    [Fact]
    public void Answers_that_cannot_be_compared_have_no_agreement()
    {
        Assert.Null(Agreement.Of(Failed, Classified(1)));
        Assert.Null(Agreement.Of(Classified(1), Failed));
        Assert.Null(Agreement.Of(Classified(1), new() { Embedding = [1, 0] }));
        Assert.Null(Agreement.Of(new() { Embedding = [1, 0] }, new() { Embedding = [1, 0, 0] }));
        Assert.Null(Agreement.Of(new() { Raw = [1] }, new() { Embedding = [1] }));
        Assert.Null(Agreement.Of(new(), new()));
    }

    [Fact]
    public void Boxes_overlap_by_intersection_over_union()
    {
        Assert.Equal(1, Agreement.Iou(Box(0, 0, 10, 10), Box(0, 0, 10, 10)), 9);
        Assert.Equal(1.0 / 3, Agreement.Iou(Box(0, 0, 10, 10), Box(5, 0, 10, 10)), 9);
        Assert.Equal(0, Agreement.Iou(Box(0, 0, 10, 10), Box(10, 0, 10, 10)));
        Assert.Equal(0, Agreement.Iou(Box(0, 0, 0, 0), Box(0, 0, 0, 0)));
        Assert.Equal(0, Agreement.Iou(Box(0, 0, -10, 10), Box(-5, 0, 10, 10)));
    }

    [Fact]
    public void Detectors_agree_by_box_F1_at_half_overlap()
    {
        // a's second box overlaps b's first at IoU 0.6 and nothing else; a's first has no partner above 0.5.
        var a = new ItemResult { Detections = [Box(0, 0, 10, 10), Box(100, 100, 10, 10)] };
        var b = new ItemResult { Detections = [Box(102.5f, 100, 10, 10), Box(6, 0, 10, 10), Box(50, 50, 5, 5)] };

        Assert.Equal(2.0 * 1 / 5, Agreement.Of(a, b)!.Value, 9);
        Assert.Equal(Agreement.Of(a, b), Agreement.Of(b, a));
        Assert.Equal(1, Agreement.Of(a, a));
    }

    [Fact]
    public void Boxes_match_one_to_one_the_most_overlapping_pair_first()
    {
        // a[0] overlaps b[1] at 0.90 and b[0] at 0.60; a[1] overlaps b[1] at 0.54 and b[0] at 0.25. Matching in list order
        // would pair a[0]–b[0] and a[1]–b[1]; the most overlapping pair goes first and leaves a[1] and b[0] unmatched.
        Detection[] a = [Box(0, 0, 10, 10), Box(3.5f, 0, 10, 10)];
        Detection[] b = [Box(-2.5f, 0, 10, 10), Box(0.5f, 0, 10, 10)];

        Assert.Equal(0.5, Agreement.BoxF1(a, b), 9);
        Assert.Equal(0.5, Agreement.BoxF1(b, a), 9);
        Assert.Equal(1, Agreement.BoxF1(a, [a[1], a[0]]), 9);
    }

    [Fact]
    public void Finding_nothing_agrees_with_finding_nothing_and_not_with_finding_something()
    {
        Assert.Equal(1, Agreement.Of(new() { Detections = [] }, new() { Detections = [] }));
        Assert.Equal(0, Agreement.Of(new() { Detections = [] }, new() { Detections = [Box(0, 0, 1, 1)] }));
        Assert.Equal(0, Agreement.Of(new() { Detections = [Box(0, 0, 1, 1)] }, new() { Detections = [] }));
    }
}
