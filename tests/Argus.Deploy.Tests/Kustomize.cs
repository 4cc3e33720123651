using System.Collections.Concurrent;
using System.Diagnostics;
using Argus.Testing;
using k8s;
using k8s.Models;

namespace Argus.Deploy.Tests;

/// <summary>
/// Renders a kustomization under deploy/k8s with <c>kubectl kustomize</c> (Debian's kubectl, installed by
/// scripts/install-deps.sh --test-data) and parses every object into the Kubernetes client's typed models, strictly:
/// a field the model does not know fails the parse, as it would fail the API server's validation.
/// </summary>
internal static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new();

    private static readonly Dictionary<string, Type> Types = new(
        typeof(KubernetesYaml).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttributes(typeof(KubernetesEntityAttribute), false).OfType<KubernetesEntityAttribute>().FirstOrDefault()))
            .Where(t => t.Entity is not null && !t.Type.Name.EndsWith("List", StringComparison.Ordinal))
            .Select(t => KeyValuePair.Create(ApiVersionKind(t.Entity!.Group, t.Entity.ApiVersion, t.Entity.Kind), t.Type))
            .DistinctBy(p => p.Key))
    {
        [ScaledObject.ApiVersionKind] = typeof(ScaledObject),
        [TriggerAuthentication.ApiVersionKind] = typeof(TriggerAuthentication),
    };

    /// <summary>The objects that <paramref name="directory"/> (relative to deploy/k8s) renders to.</summary>
    public static Rendered Render(string directory) =>
        Cache.GetOrAdd(directory, d => new Lazy<Rendered>(() => new Rendered(Parse(Run(d))))).Value;

    private static string Run(string directory)
    {
        var path = Path.Combine(TestData.RepoRoot, "deploy", "k8s", directory);
        var info = new ProcessStartInfo("kubectl", ["kustomize", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is needed to render the manifests: scripts/install-deps.sh --test-data installs Debian's kubernetes-client.", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0
                ? stdout
                : throw new InvalidOperationException($"kubectl kustomize {directory} exited with {process.ExitCode}:\n{stderr.Result}");
        }
    }

    private static List<IKubernetesObject> Parse(string yaml)
    {
        // kustomize v2 (Debian's kubectl 1.20) leaves an empty document where a "$patch: delete" removed an object.
        var documents = yaml.Split("\n---\n").Where(d => d.Trim() != "{}");
        return KubernetesYaml.LoadAllFromString(string.Join("\n---\n", documents), Types, strict: true).Cast<IKubernetesObject>().ToList();
    }

    private static string ApiVersionKind(string group, string version, string kind) =>
        $"{(string.IsNullOrEmpty(group) ? version : $"{group}/{version}")}/{kind}";
}

/// <summary>The objects of one rendered kustomization.</summary>
internal sealed class Rendered(IReadOnlyList<IKubernetesObject> objects)
{
    public IReadOnlyList<IKubernetesObject> Objects { get; } = objects;

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    /// <summary>The one object of that type and name (generated ConfigMaps and Secrets carry a hash after it).</summary>
    public T Named<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(All<T>(), o => o.Metadata.Name == name || (IsGenerated(o) && o.Metadata.Name.StartsWith(name + "-", StringComparison.Ordinal)));

    public T? Find<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name);

    /// <summary>The silos' StatefulSet.</summary>
    public V1StatefulSet Silos => Named<V1StatefulSet>("argus-silo");

    /// <summary>The silo container.</summary>
    public V1Container Silo => Assert.Single(Silos.Spec.Template.Spec.Containers, c => c.Name == "silo");

    private static bool IsGenerated(IKubernetesObject o) => o is V1ConfigMap or V1Secret;
}
