using System.Text;
using Argus.Testing;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace Argus.Deploy.Tests;

/// <summary>
/// The configuration a silo container of a rendered StatefulSet starts with, built as the silo builds its own: the
/// image's appsettings.json, the ConfigMap mounted over it as appsettings.Production.json, then the environment, its
/// names mapped as .NET maps them (<c>__</c> to <c>:</c>) and its downward-API and Secret values filled in as Kubernetes
/// would fill them.
/// </summary>
internal static class PodConfiguration
{
    public const string PodName = "argus-silo-0";

    /// <summary>A Secret the rendered objects do not hold (one of the user's own) stands for this connection.</summary>
    public const string ExternalRedis = "redis.example.internal:6380";

    public static IConfiguration For(Rendered rendered) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestData.RepoRoot, "src", "Silo", "Argus.Silo", "appsettings.json"))
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Settings(rendered).Content)))
            .AddInMemoryCollection(Environment(rendered).Select(e => KeyValuePair.Create(e.Key.Replace("__", ConfigurationPath.KeyDelimiter), (string?)e.Value)))
            .Build();

    /// <summary>The silo container's environment, name to value.</summary>
    public static Dictionary<string, string> Environment(Rendered rendered)
    {
        var ns = rendered.Silos.Metadata.NamespaceProperty;
        return rendered.Silo.Env.ToDictionary(e => e.Name, e => e.ValueFrom switch
        {
            null => e.Value,
            { FieldRef.FieldPath: "metadata.name" } => PodName,
            { FieldRef.FieldPath: "metadata.namespace" } => ns,
            { FieldRef.FieldPath: "status.podIP" } => "10.1.2.3",
            { SecretKeyRef: { } key } => rendered.All<V1Secret>().SingleOrDefault(s => s.Metadata.Name == key.Name) is { } secret
                ? Encoding.UTF8.GetString(secret.Data[key.Key])
                : ExternalRedis,
            _ => throw new InvalidOperationException($"{e.Name}: a value source the test does not know."),
        });
    }

    /// <summary>The file the silo container mounts over the image's settings, and the ConfigMap's content for it.</summary>
    public static (V1VolumeMount Mount, string Content) Settings(Rendered rendered)
    {
        var mount = Assert.Single(rendered.Silo.VolumeMounts, m => m.MountPath.EndsWith("/appsettings.Production.json", StringComparison.Ordinal));
        var volume = Assert.Single(rendered.Silos.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        var map = Assert.Single(rendered.All<V1ConfigMap>(), c => c.Metadata.Name == volume.ConfigMap.Name);
        return (mount, map.Data[mount.SubPath]);
    }
}
