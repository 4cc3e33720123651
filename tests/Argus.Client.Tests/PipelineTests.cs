using Argus.Errors;
using Argus.Pipelines;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>Two-tier pipelines through the SDK against a real silo process with the default moderation models.</summary>
public sealed class PipelineTests(ClientFixture fixture) : IClassFixture<ClientFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-sdk-pipeline-");

    private IArgusClient Client => fixture.Host!.Client;

    public void Dispose() => _dir.Delete(recursive: true);

    // The fast model leans Porn at 0.6 on apple.jpg (review here), the heavy one is sure it is Neutral (allow); both are
    // sure baboon.jpg is Neutral (allow, and not sent on).
    internal static readonly PipelineSpec Moderation = new()
    {
        FastModel = "moderation-fast",
        FastRule = new DecisionRule
        {
            Block = new Dictionary<string, double> { ["Porn"] = 0.9 },
            Review = new Dictionary<string, double> { ["Porn"] = 0.4, ["Sexy"] = 0.6 },
        },
        HeavyModel = "moderation-heavy",
        HeavyRule = new DecisionRule
        {
            Block = new Dictionary<string, double> { ["Porn"] = 0.7 },
            Review = new Dictionary<string, double> { ["Porn"] = 0.3 },
        },
        HeavyItems = HeavyItems.Review,
        DeadlineS = 600,
        FastP95Ms = 300,
    };

    [Fact]
    public async Task A_spec_travels_whole_and_a_pipeline_is_created_read_listed_replaced_and_deleted()
    {
        // Every field set, so the round trip through the silo's reader and back is checked for each of them.
        // The webhook has nothing to post (no item is submitted), and points at loopback all the same.
        var spec = Moderation with
        {
            HeavySample = 0.25, Webhook = "http://127.0.0.1:9/argus", Tenant = "acme",
            Archive = Path.Combine(_dir.FullName, "archive"), Watch = _dir.CreateSubdirectory("watch").FullName,
        };

        var stored = await Client.PutPipelineAsync("sdk-crud", spec);

        Assert.Equivalent(spec, stored, strict: true);
        Assert.Equivalent(spec, await Client.GetPipelineAsync("sdk-crud"), strict: true);
        Assert.Contains(await Client.ListPipelinesAsync(), p => p.Id == "sdk-crud" && p.Spec.HeavySample == 0.25);

        var replaced = await Client.PutPipelineAsync("sdk-crud", spec with { DeadlineS = 60 });
        Assert.Equal(60, replaced.DeadlineS);

        Assert.True(await Client.DeletePipelineAsync("sdk-crud"));
        var unknown = await Assert.ThrowsAsync<UnknownPipelineException>(() => Client.GetPipelineAsync("sdk-crud"));
        Assert.Equal("sdk-crud", unknown.Pipeline);
        Assert.False(await Client.DeletePipelineAsync("sdk-crud"));
        Assert.DoesNotContain(await Client.ListPipelinesAsync(), p => p.Id == "sdk-crud");
    }

    [Fact]
    public async Task Every_problem_of_a_spec_arrives_in_one_bad_input_exception()
    {
        var bad = Moderation with
        {
            FastModel = "no-such-model",
            HeavyRule = new DecisionRule { Block = new Dictionary<string, double> { ["Gore"] = 0.5, ["Porn"] = 1.5 } },
            DeadlineS = 0,
        };

        var error = await Assert.ThrowsAsync<BadInputException>(() => Client.PutPipelineAsync("sdk-bad", bad));

        Assert.All(
            [
                "fast_model: unknown model 'no-such-model'.",
                "heavy_rule.block: 'Gore' is not a label of model 'moderation-heavy'",
                "heavy_rule.block.Porn: the threshold must be 0 to 1 (is 1.5).",
                "deadline_s must be above 0",
            ],
            p => Assert.Contains(p, error.Message));
        await Assert.ThrowsAsync<BadInputException>(() => Client.PutPipelineAsync("has space", Moderation));
        await Assert.ThrowsAsync<UnknownPipelineException>(() => Client.GetPipelineAsync("sdk-bad"));
    }

    [Fact]
    public async Task A_submitted_item_is_decided_now_by_the_fast_model_and_later_by_the_heavy_one()
    {
        await Client.PutPipelineAsync("sdk-tiers", Moderation);

        var item = await Client.SubmitAsync("sdk-tiers", TestData.Image("apple.jpg"), "apple-1");

        Assert.Equal(("sdk-tiers", "apple-1", PipelineItemState.Pending), (item.Pipeline, item.Id, item.State));
        Assert.Equal("moderation-fast", item.Provisional!.Model);
        Assert.Equal(Decision.Review, item.Provisional.Decision);
        Assert.True(item.Heavy);

        PipelineItem? final = null;
        await Eventually.HoldsAsync(async () =>
        {
            final = await Client.GetItemAsync("sdk-tiers", "apple-1");
            return final.State == PipelineItemState.Final;
        }, TimeSpan.FromSeconds(60), "the apple's final result");
        Assert.Equal("moderation-heavy", final!.Final!.Model);
        Assert.Equal(Decision.Allow, final.Final.Decision);
        Assert.Equivalent(item.Provisional, final.Provisional, strict: true);

        // A stream submits the same way; the same id again is the item already stored, its image never inferred.
        using (var baboon = new MemoryStream(TestData.Image("baboon.jpg")))
        {
            var decided = await Client.SubmitAsync("sdk-tiers", baboon, "baboon-1");
            Assert.Equal((PipelineItemState.Final, false, Decision.Allow), (decided.State, decided.Heavy, decided.Final!.Decision));
        }

        var again = await Client.SubmitAsync("sdk-tiers", TestData.Image("baboon.jpg"), "apple-1");
        Assert.Equal(final.Provisional!.FinishedAt, again.Provisional!.FinishedAt);

        var generated = await Client.SubmitAsync("sdk-tiers", TestData.Image("baboon.jpg"));
        Assert.True(PipelineSpec.IsValidId(generated.Id));
    }

    [Fact]
    public async Task Errors_of_items_arrive_as_typed_exceptions()
    {
        await Client.PutPipelineAsync("sdk-failing", Moderation);

        var notImage = await Assert.ThrowsAsync<BadInputException>(() => Client.SubmitAsync("sdk-failing", "not an image"u8.ToArray(), "text"));
        var stored = await Client.GetItemAsync("sdk-failing", "text");
        Assert.Equal(PipelineItemState.Failed, stored.State);
        Assert.Equal(ErrorKind.BadInput, stored.Error!.Kind);
        Assert.Contains(stored.Error.Message, notImage.Message);

        var item = await Assert.ThrowsAsync<UnknownPipelineItemException>(() => Client.GetItemAsync("sdk-failing", "nope"));
        Assert.Equal(("sdk-failing", "nope"), (item.Pipeline, item.Item));
        var pipeline = await Assert.ThrowsAsync<UnknownPipelineException>(() => Client.SubmitAsync("sdk-none", TestData.Image("baboon.jpg")));
        Assert.Equal("sdk-none", pipeline.Pipeline);
        await Assert.ThrowsAsync<BadInputException>(() => Client.SubmitAsync("sdk-failing", TestData.Image("baboon.jpg"), ".hidden"));
    }
}
