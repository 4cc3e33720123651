using Argus.Silo.Auth;

namespace Argus.Silo.Tests.Auth;

public sealed class ArgusAuthOptionsValidatorTests
{
    private readonly ArgusAuthOptionsValidator _validator = new();

    [Fact]
    public void No_keys_or_long_keys_are_valid()
    {
        Assert.True(_validator.Validate(null, new ArgusAuthOptions()).Succeeded);
        Assert.True(_validator.Validate(null, new ArgusAuthOptions { ApiKeys = ["0123456789abcdef"] }).Succeeded);
    }

    [Fact]
    public void Every_bad_key_is_listed_by_its_index()
    {
        var result = _validator.Validate(null, new ArgusAuthOptions { ApiKeys = ["short", "0123456789abcdef", "0123456789 abcdef"] });

        Assert.Equal(2, result.Failures!.Count());
        Assert.StartsWith("Argus:Auth:ApiKeys:0 must be at least 16 characters", result.Failures!.First());
        Assert.StartsWith("Argus:Auth:ApiKeys:2 must be at least 16 characters", result.Failures!.Last());
    }
}
