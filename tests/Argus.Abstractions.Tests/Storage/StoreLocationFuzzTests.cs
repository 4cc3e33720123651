using Argus.Storage;

namespace Argus.Abstractions.Tests.Storage;

/// <summary>
/// Thousands of locations mutated from valid ones (characters flipped, cut, doubled, inserted schemes, separators, escapes
/// and credentials), seeded so a failure repeats: each parses to a location that reads back to one parsing to itself, or
/// to one problem that quotes nothing where a credential may be; never an exception.
/// </summary>
public sealed class StoreLocationFuzzTests
{
    private const int Locations = 20000;

    private static readonly string[] Seeds =
    [
        "/data/images", "s3://photos/cams/2026", "s3://my.bucket-1", "az://photos/cams/a.jpg",
        "https://acct1.blob.core.windows.net/photos/cams", "http://127.0.0.1:10000/devstoreaccount1/photos/x",
        "http://[::1]:10000/devstoreaccount1/c1c/p",
    ];

    private static readonly string[] Tokens =
    [
        "/", "//", "..", ".", "\\", "?", "#", "%", "%2F", "%00", "@", ":", "s3://", "az://", "https://", "http://", "SECRET@",
        "?sig=SECRET", "\0", "\n", "é", "\uFFFF", "\ud800", " ", "*", "[", "]", "localhost", "blob.core.windows.net",
    ];

    [Fact]
    public void Mutated_locations_parse_to_a_location_or_one_problem()
    {
        var random = new Random(20261206);
        var (valid, invalid) = (0, 0);
        for (var i = 0; i < Locations; i++)
        {
            var text = Mutate(random, Seeds[random.Next(Seeds.Length)]);
            StoreLocation? location;
            string? problem;
            try
            {
                location = StoreLocation.Parse(text, "input", out problem);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Location {i} ('{text}') threw: {e}");
            }

            if (location is not null)
            {
                valid++;
                Assert.Null(problem);
                Assert.DoesNotContain('@', location.Endpoint ?? ""); // a key may hold "SECRET@", an endpoint no user
                if (location.Kind != StoreKind.Local)
                {
                    Assert.Equal(location, StoreLocation.Parse(location.ToString()));
                }
            }
            else
            {
                invalid++;
                Assert.False(string.IsNullOrWhiteSpace(problem));
                if (text.AsSpan().IndexOfAny("?#@") >= 0)
                {
                    Assert.DoesNotContain("SECRET", problem, StringComparison.Ordinal); // where a credential may be, nothing is quoted
                }

                Assert.DoesNotContain('\n', problem);
            }
        }

        Assert.True(valid > Locations / 20 && invalid > Locations / 20, $"{valid} valid and {invalid} invalid: the mutations miss one side");
    }

    private static string Mutate(Random random, string seed)
    {
        var text = seed;
        for (var n = random.Next(1, 4); n > 0 && text.Length > 0; n--)
        {
            var at = random.Next(text.Length);
            text = random.Next(5) switch
            {
                0 => text.Remove(at, 1),
                1 => text.Insert(at, Tokens[random.Next(Tokens.Length)]),
                2 => text[..at],
                3 => text.Insert(at, text[at].ToString()),
                _ => text.Remove(at, 1).Insert(at, ((char)random.Next(32, 127)).ToString()),
            };
        }

        return text;
    }
}
