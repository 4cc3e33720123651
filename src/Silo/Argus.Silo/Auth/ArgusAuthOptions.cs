namespace Argus.Silo.Auth;

/// <summary>Who may call the silo's HTTP endpoints (<c>Argus:Auth</c>).</summary>
public sealed class ArgusAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Auth";

    /// <summary>The shortest key accepted, so a key cannot be guessed by trying.</summary>
    public const int MinKeyLength = 16;

    /// <summary>
    /// The API keys any of which opens every endpoint but health (<c>/healthz</c>, <c>/readyz</c>, <c>/v2/health/*</c>)
    /// and <c>/login</c>. Empty (the default): every endpoint is open, as the embedded default on a developer's machine.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Leaves <c>/metrics</c> open while keys are set, for scrapers that cannot send one. Default false: Prometheus sends
    /// a key with <c>authorization: {credentials: KEY}</c> in its scrape configuration, and the metrics name the models.
    /// </summary>
    public bool OpenMetrics { get; set; }

    /// <summary>True when keys are configured, so every endpoint but the open ones needs one.</summary>
    public bool Enabled => ApiKeys.Count > 0;
}
