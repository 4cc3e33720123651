namespace Argus.Silo.Auth;

/// <summary>Who may call the silo's HTTP endpoints (<c>Argus:Auth</c>).</summary>
public sealed class ArgusAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Auth";

    /// <summary>The shortest key accepted, so a key cannot be guessed by trying.</summary>
    public const int MinKeyLength = 16;

    /// <summary>
    /// Keys without a name, roles or tenant: each holds every role and no tenant, as every key did before roles. Any
    /// configured key (here, in <see cref="Keys"/> or in <see cref="KeysFile"/>) closes every endpoint but health
    /// (<c>/healthz</c>, <c>/readyz</c>, <c>/v2/health/*</c>) and <c>/login</c> to callers without one. No keys at all (the
    /// default): every endpoint is open, as the embedded default on a developer's machine.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Keys with a name, roles and a tenant (<see cref="ApiKeyEntry"/>).</summary>
    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>
    /// A JSON file holding an array of <see cref="ApiKeyEntry"/> (e.g. a Kubernetes Secret mounted at
    /// <c>/etc/argus/keys/keys.json</c>), read at start and again whenever its content changes, within
    /// <see cref="KeysFilePollMs"/>; while it is changed into something invalid the silo keeps its last valid keys. Null
    /// (the default): no file.
    /// </summary>
    public string? KeysFile { get; set; }

    /// <summary>
    /// How often the keys file is read to see whether it changed, ms. Polled rather than watched, because Kubernetes updates
    /// a mounted Secret by swapping a symbolic link, which file watchers miss. Default 2000.
    /// </summary>
    public int KeysFilePollMs { get; set; } = 2000;

    /// <summary>
    /// Leaves <c>/metrics</c> open while keys are set, for scrapers that cannot send one. Default false: Prometheus sends
    /// a key with the <c>admin</c> role with <c>authorization: {credentials: KEY}</c> in its scrape configuration, and the
    /// metrics name the models.
    /// </summary>
    public bool OpenMetrics { get; set; }

    /// <summary>True when keys are configured (or a keys file), so every endpoint but the open ones needs one.</summary>
    public bool Enabled => ApiKeys.Count > 0 || Keys.Count > 0 || !string.IsNullOrWhiteSpace(KeysFile);
}
