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

    [Fact]
    public void A_keys_file_that_is_missing_or_invalid_is_refused_at_start_with_the_configured_keys_problems()
    {
        var dir = Directory.CreateTempSubdirectory("argus-keys-");
        try
        {
            var file = Path.Combine(dir.FullName, "keys.json");
            File.WriteAllText(file, """[{ "name": "k", "key": "short" }]""");
            var options = new ArgusAuthOptions { ApiKeys = ["short"], KeysFile = file };

            var failures = _validator.Validate(null, options).Failures!.ToArray();
            Assert.Equal(2, failures.Length);
            Assert.StartsWith("Argus:Auth:ApiKeys:0 must be", failures[0]);
            Assert.StartsWith($"Argus:Auth:KeysFile '{file}'[0]: key must be", failures[1]);

            options.KeysFile = Path.Combine(dir.FullName, "missing.json");
            Assert.Contains("cannot be read", _validator.Validate(null, options).Failures!.Last());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
