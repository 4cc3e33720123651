using Argus.Testing;

namespace Argus.Silo.Tests.Auth;

/// <summary>The keys file under a running silo, changed as Kubernetes changes a mounted Secret.</summary>
[Collection(RolesSiloCollection.Name)]
public sealed class KeysFileTests(RolesSiloFixture fixture)
{
    private const string NewKey = "file-key-two-0123456789";

    private async Task<int> StatusWithAsync(string key) =>
        (await fixture.SendAsync(RolesSiloFixture.Request("GET", "v1/autoscale", key))).Status;

    [Fact]
    public async Task A_changed_keys_file_admits_its_new_key_and_refuses_the_removed_one_and_a_broken_one_keeps_the_last()
    {
        Assert.Equal(200, await StatusWithAsync(RolesSiloFixture.FileKey));

        fixture.MountKeys($$"""[{ "name": "file-two", "key": "{{NewKey}}", "roles": ["admin"] }]""");
        await Eventually.HoldsAsync(async () => await StatusWithAsync(NewKey) == 200, TimeSpan.FromSeconds(30), "the new key to be admitted");
        Assert.Equal(401, await StatusWithAsync(RolesSiloFixture.FileKey));
        // The configured keys stay whatever the file holds.
        Assert.Equal(200, await StatusWithAsync(RolesSiloFixture.AdminKey));

        // Half-written or mistaken: the silo says so and keeps the keys it had.
        fixture.MountKeys("""[{ "name": "file-three", "key": "short", "role": ["admin"] }""");
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Silo!.Log.Contains("cannot be used", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the silo to warn of the broken keys file");
        Assert.Equal(200, await StatusWithAsync(NewKey));

        fixture.MountKeys($$"""[{ "name": "file-one", "key": "{{RolesSiloFixture.FileKey}}", "roles": ["admin"] }]""");
        await Eventually.HoldsAsync(async () => await StatusWithAsync(RolesSiloFixture.FileKey) == 200, TimeSpan.FromSeconds(30), "the first key to be back");
        Assert.Equal(401, await StatusWithAsync(NewKey));
    }
}
