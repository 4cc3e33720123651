using System.Diagnostics;
using Azure.Storage.Blobs;

namespace Argus.Testing;

/// <summary>npm's <c>azurite</c> (Microsoft's Azure Storage emulator), its blob service only, on loopback with its well-known account.</summary>
public sealed class Azurite : ObjectStoreServer
{
    /// <summary>The emulator's account.</summary>
    public const string Account = "devstoreaccount1";

    /// <summary>The emulator's published account key (not a secret: every Azurite has it).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly BlobServiceClient _client;

    private Azurite(Process process, int port, string directory)
        : base(process, port, directory) => _client = new BlobServiceClient(ConnectionString);

    /// <summary>The connection string of its account.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{Account};";

    /// <summary>The blob URL form of <paramref name="prefix"/> in <paramref name="container"/>.</summary>
    public string BlobUrl(string container, string prefix) => $"http://127.0.0.1:{Port}/{Account}/{container}/{prefix}";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string>
    {
        ["Argus__ObjectStores__Azure__ConnectionString"] = ConnectionString,
    };

    /// <summary>Starts one (no telemetry, any API version the SDK speaks, data in its temporary folder) and waits until it listens.</summary>
    public static Task<Azurite> StartAsync() =>
        StartAsync("azurite-blob", (port, directory) =>
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", directory, "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
            (process, port, directory) => new Azurite(process, port, directory));

    /// <inheritdoc />
    public override string Location(string container, string prefix) => $"az://{container}/{prefix}";

    /// <inheritdoc />
    public override Task CreateContainerAsync(string container) => _client.GetBlobContainerClient(container).CreateIfNotExistsAsync();

    /// <inheritdoc />
    public override Task PutAsync(string container, string key, byte[] bytes) =>
        _client.GetBlobContainerClient(container).GetBlobClient(key).UploadAsync(new BinaryData(bytes), overwrite: true);

    /// <inheritdoc />
    public override async Task<IReadOnlyList<string>> ListAsync(string container, string prefix)
    {
        var keys = new List<string>();
        await foreach (var blob in _client.GetBlobContainerClient(container).GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            keys.Add(blob.Name);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public override async Task<byte[]> GetAsync(string container, string key) =>
        (await _client.GetBlobContainerClient(container).GetBlobClient(key).DownloadContentAsync()).Value.Content.ToArray();
}
