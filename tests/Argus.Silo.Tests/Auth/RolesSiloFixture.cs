using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Auth;

/// <summary>
/// One real silo process with keys of every role, two tenants' keys and an operator's, configured and from a keys file laid
/// out as Kubernetes mounts a Secret (<c>keys.json</c> → <c>..data/keys.json</c> → a timestamped folder); one simulated
/// device. Shared by the role, tenant and keys file tests.
/// </summary>
public sealed class RolesSiloFixture : IAsyncLifetime
{
    public const string InferKey = "infer-key-0123456789";
    public const string OperateKey = "operate-key-0123456789";
    public const string AdminKey = "admin-key-0123456789";
    public const string TenantAKey = "tenant-a-key-0123456789";
    public const string TenantBKey = "tenant-b-key-0123456789";
    public const string OperatorKey = "operator-key-0123456789";
    public const string FileKey = "file-key-one-0123456789";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-roles-");
    private int _version;

    public SiloProcess? Silo { get; private set; }

    /// <summary>A client that sends no key of its own, follows no redirects and keeps no cookies.</summary>
    public HttpClient? Http { get; private set; }

    /// <summary>The folder the keys file is mounted in.</summary>
    public string KeysFolder => Path.Combine(_dir.FullName, "keys");

    /// <summary>A folder of the tests' own for job inputs and outputs.</summary>
    public string Work => Path.Combine(_dir.FullName, "work");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(KeysFolder);
        Directory.CreateDirectory(Work);
        MountKeys($$"""[{ "name": "file-one", "key": "{{FileKey}}", "roles": ["admin"] }]""");
        File.CreateSymbolicLink(Path.Combine(KeysFolder, "keys.json"), Path.Combine("..data", "keys.json"));

        var settings = new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = "textbook",
            ["Argus__Auth__KeysFile"] = Path.Combine(KeysFolder, "keys.json"),
            ["Argus__Auth__KeysFilePollMs"] = "200",
        };
        (string Name, string Key, string[] Roles, string? Tenant)[] keys =
        [
            ("infer", InferKey, ["infer"], null),
            ("operate", OperateKey, ["operate"], null),
            ("admin", AdminKey, ["admin"], null),
            ("tenant-a", TenantAKey, ["infer", "operate"], "a"),
            ("tenant-b", TenantBKey, ["infer", "operate"], "b"),
            ("operator", OperatorKey, ["operate"], null),
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            var (name, key, roles, tenant) = keys[i];
            settings[$"Argus__Auth__Keys__{i}__Name"] = name;
            // The admin's key is configured as its digest only.
            if (name == "admin")
            {
                settings[$"Argus__Auth__Keys__{i}__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            }
            else
            {
                settings[$"Argus__Auth__Keys__{i}__Key"] = key;
            }

            for (var r = 0; r < roles.Length; r++)
            {
                settings[$"Argus__Auth__Keys__{i}__Roles__{r}"] = roles[r];
            }

            if (tenant is not null)
            {
                settings[$"Argus__Auth__Keys__{i}__Tenant"] = tenant;
            }
        }

        Silo = await SiloProcess.StartAsync("roles-0", settings);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = Silo.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>
    /// Replaces the keys file's content as Kubernetes updates a mounted Secret: the new content in a fresh folder, then the
    /// <c>..data</c> link swapped to it in one rename, so the path <c>keys.json</c> itself never changes.
    /// </summary>
    public void MountKeys(string json)
    {
        var version = $"..{++_version:D4}";
        Directory.CreateDirectory(Path.Combine(KeysFolder, version));
        File.WriteAllText(Path.Combine(KeysFolder, version, "keys.json"), json);
        var link = Path.Combine(KeysFolder, "..data_tmp");
        File.CreateSymbolicLink(link, version);
        // rename(2) replaces the link itself; File.Move follows it to the folder and refuses.
        if (Rename(link, Path.Combine(KeysFolder, "..data")) != 0)
        {
            throw new IOException($"rename failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    /// <summary>A request presenting <paramref name="key"/> (none when null) as <c>X-Api-Key</c>.</summary>
    public static HttpRequestMessage Request(string method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static ByteArrayContent Jpeg() =>
        new(TestData.Image("apple.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };

    /// <summary>Sends a request and reads its status and JSON body (null when the body is not JSON).</summary>
    public async Task<(int Status, JsonElement? Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Http!.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            try
            {
                return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
            }
            catch (JsonException)
            {
                return ((int)response.StatusCode, null);
            }
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }
}

/// <summary>The test classes that share the silo with roles and tenants.</summary>
[CollectionDefinition(Name)]
public sealed class RolesSiloCollection : ICollectionFixture<RolesSiloFixture>
{
    public const string Name = "roles silo";
}
