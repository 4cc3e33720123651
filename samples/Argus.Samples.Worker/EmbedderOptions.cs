namespace Argus.Samples.Worker;

/// <summary>What <see cref="Embedder"/> watches and asks for (section <c>Embedder</c>).</summary>
public sealed class EmbedderOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Embedder";

    /// <summary>The folder whose images are embedded. Default: the current folder.</summary>
    public string Folder { get; set; } = ".";

    /// <summary>The model to ask. Default <c>resnet18</c>.</summary>
    public string Model { get; set; } = "resnet18";

    /// <summary>How often the folder is looked at again for new images. Default 5 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Embed what is there once, then stop the service (a one-off run, as in CI). Default false.</summary>
    public bool Once { get; set; }
}
