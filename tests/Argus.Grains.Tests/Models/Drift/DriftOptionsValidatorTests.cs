using Argus.Grains.Models.Drift;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class DriftOptionsValidatorTests
{
    private readonly DriftOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid_and_off() => Assert.True(_validator.Validate(null, new DriftOptions()).Succeeded && !new DriftOptions().Enabled);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new DriftOptions
        {
            SampleShare = 1.5, BufferSize = 0, ReferenceSize = 1, WindowSize = 4000, Permutations = 0, ProjectionDimensions = -1,
            Alpha = 0, AlarmAfter = 0,
            References =
            [
                new() { Model = "", Folder = "" },
                new() { Model = "resnet18", Folder = "/no/such/folder" },
                new() { Model = "ResNet18", Folder = Path.GetTempPath() },
            ],
        });

        Assert.True(result.Failed);
        Assert.Equal(12, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Argus:Drift:", f));
        Assert.Contains(result.Failures!, f => f.Contains("'/no/such/folder' does not exist"));
        Assert.Contains(result.Failures!, f => f.Contains("References:2 names ResNet18 without a version again"));
    }

    [Fact]
    public void A_version_takes_its_own_folder_else_the_models()
    {
        var options = new DriftOptions
        {
            References = [new() { Model = "resnet18", Folder = "/a" }, new() { Model = "resnet18", Version = "2", Folder = "/b" }],
        };

        Assert.Equal("/b", options.ReferenceFor("ResNet18", "2")?.Folder);
        Assert.Equal("/a", options.ReferenceFor("resnet18", "1")?.Folder);
        Assert.Null(options.ReferenceFor("other", "1"));
    }
}
