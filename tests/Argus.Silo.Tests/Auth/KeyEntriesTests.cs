using System.Security.Cryptography;
using System.Text;
using Argus.Silo.Auth;
using Argus.Silo.Tests.Http;

namespace Argus.Silo.Tests.Auth;

public sealed class KeyEntriesTests
{
    private const string Key = "0123456789abcdef";

    [Fact]
    public void A_key_without_roles_holds_all_three_and_a_digest_matches_its_key()
    {
        var entries = KeyEntries.Configured(new ArgusAuthOptions
        {
            ApiKeys = ["legacy-key-0123456789"],
            Keys =
            [
                new ApiKeyEntry { Name = "all", Key = Key },
                new ApiKeyEntry { Name = "digest", Sha256 = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("another-key-0123456"))), Roles = ["infer"], Tenant = "t-1" },
            ],
        });

        Assert.Empty(entries.Problems);
        Assert.Equal(3, entries.Keys.Count);
        Assert.Equal(ArgusRoles.All, entries.Keys[0].Roles);
        Assert.Equal(ArgusRoles.All, entries.Keys[1].Roles);
        Assert.Equal(["infer"], entries.Keys[2].Roles);
        Assert.Equal("t-1", entries.Keys[2].Tenant);
        Assert.Equal(KeyEntries.Digest("another-key-0123456"), entries.Keys[2].Digest);
    }

    [Fact]
    public void Every_bad_entry_is_listed_where_it_is()
    {
        var entries = KeyEntries.Configured(new ArgusAuthOptions
        {
            Keys =
            [
                new ApiKeyEntry { Name = "short", Key = "short" },
                new ApiKeyEntry { Name = "hex", Sha256 = "xyz" },
                new ApiKeyEntry { Name = "role", Key = Key + "1", Roles = ["infer", "root"] },
                new ApiKeyEntry { Name = "tenant", Key = Key + "2", Tenant = "a b" },
                new ApiKeyEntry { Name = "short", Key = Key + "3" },
                new ApiKeyEntry { Name = "both", Key = Key + "4", Sha256 = new string('0', 64) },
                new ApiKeyEntry { Name = "held", Key = Key + "6" },
                new ApiKeyEntry { Name = "same", Key = Key + "6" },
                new ApiKeyEntry { Key = Key + "5" },
            ],
        });

        Assert.Equal(
        [
            "Argus:Auth:Keys:0: key must be at least 16 characters without spaces or control characters (has 5).",
            "Argus:Auth:Keys:1: sha256 must be 64 hex digits, the key's SHA-256 digest (has 3 characters).",
            "Argus:Auth:Keys:2: unknown role 'root': use infer, operate, admin.",
            "Argus:Auth:Keys:3: tenant 'a b' must be 1 to 64 letters, digits, '-', '_' or '.'.",
            "Argus:Auth:Keys:4: name 'short' is also the name of Argus:Auth:Keys:0.",
            "Argus:Auth:Keys:5: give key or sha256, not both.",
            "Argus:Auth:Keys:7: the same key as Argus:Auth:Keys:6.",
            "Argus:Auth:Keys:8: name '' must be 1 to 64 letters, digits, '-', '_' or '.'.",
        ], entries.Problems);
        Assert.Equal("held", Assert.Single(entries.Keys).Name);
    }

    [Fact]
    public void A_misspelt_field_in_the_keys_file_is_refused_rather_than_giving_every_role()
    {
        var entries = new KeyEntries();
        entries.AddFile("keys.json", """[{ "name": "k", "key": "0123456789abcdef", "role": ["infer"] }]"""u8);

        Assert.Empty(entries.Keys);
        Assert.Contains("'role'", Assert.Single(entries.Problems));
    }

    [Fact]
    public void Mangled_keys_files_are_refused_with_problems_and_never_throw()
    {
        var original = """
            [{ "name": "one", "key": "0123456789abcdef", "roles": ["infer"], "tenant": "a" },
             { "name": "two", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "roles": ["admin", "operate"] }]
            """u8.ToArray();
        var random = new Random(15);
        for (var i = 0; i < 2000; i++)
        {
            var content = random.Next(10) == 0 ? RandomBytes(random) : JsonMutations.Mutate(original, random);
            var entries = new KeyEntries();
            entries.AddFile("keys.json", content);

            // A file either yields its keys or says why not; no key with a problem is held.
            Assert.True(entries.Keys.Count > 0 || entries.Problems.Count > 0, Encoding.UTF8.GetString(content));
            Assert.All(entries.Problems, p => Assert.True(p.Length < 2_000, p));
        }
    }

    [Fact]
    public void A_keys_file_over_the_limit_is_refused_unread_and_a_missing_one_is_named()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, new byte[KeyEntries.MaxFileBytes + 1]);

            Assert.Null(KeyEntries.ReadFile(file, out var large));
            Assert.Contains($"the limit is {KeyEntries.MaxFileBytes}", large);
            Assert.Null(KeyEntries.ReadFile(file + ".missing", out var missing));
            Assert.Contains("cannot be read", missing);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        return bytes;
    }
}
