using System.Text;
using System.Text.RegularExpressions;
using Argus.Grains.Scaling;
using Argus.Inference.Models;
using Argus.Security;
using Argus.Silo.Grpc;
using Argus.Silo.Hosting;
using Argus.Testing;
using k8s.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;

namespace Argus.Deploy.Tests;

/// <summary>Each overlay, rendered by kustomize, against what the silo actually reads.</summary>
public sealed class SiloManifestTests
{
    public static TheoryData<string> Overlays => new() { "overlays/cpu", "overlays/gpu", "overlays/external-redis" };

    /// <summary>Names outside <c>Argus__…</c> that something in the silo reads, and what reads them.</summary>
    private static readonly HashSet<string> HostVariables = new(StringComparer.OrdinalIgnoreCase)
    {
        KubernetesHostingOptions.PodNameEnvironmentVariable,
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        KubernetesHostingOptions.PodIPEnvironmentVariable,
        WebHostDefaults.ServerUrlsKey,
        "shutdownTimeoutSeconds", // HostOptions, read from the configuration's root
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_pods_carry_the_Orleans_labels_with_the_clusters_ids(string overlay)
    {
        var labels = Kustomize.Render(overlay).Silos.Spec.Template.Metadata.Labels;

        Assert.Equal(ClusterIdentity.ServiceId, labels[KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal(ClusterIdentity.ClusterId, labels[KubernetesHostingOptions.ClusterIdLabel]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_environment_variable_binds_to_what_the_silo_reads(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var configuration = PodConfiguration.For(rendered);

        Assert.All(PodConfiguration.Environment(rendered).Keys, name =>
            Assert.True(name.StartsWith("Argus__", StringComparison.Ordinal) || HostVariables.Contains(name), $"{name} is read by nothing in the silo"));
        Assert.All(configuration.GetSection("Argus").GetChildren(), s => Assert.Contains(s.Key, new[] { "Silo", "Inference", "Redis", "Tls", "Auth", "Grpc" }));
        // A key with no property behind it (a misspelt name) throws here.
        configuration.GetSection(ArgusSiloOptions.Section).Get<ArgusSiloOptions>(o => o.ErrorOnUnknownConfiguration = true);
        Assert.True(configuration.GetSection(ArgusTlsOptions.Section).Get<ArgusTlsOptions>(o => o.ErrorOnUnknownConfiguration = true)!.Enabled);
        Assert.NotNull(configuration.GetSection(ArgusGrpcOptions.Section).Get<ArgusGrpcOptions>(o => o.ErrorOnUnknownConfiguration = true)!.Port);
        var inference = configuration.GetSection(InferenceOptions.Section).Get<InferenceOptions>(o => o.ErrorOnUnknownConfiguration = true)!;
        var validation = new InferenceOptionsValidator().Validate(null, inference);
        Assert.True(validation.Succeeded, validation.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void In_the_pod_the_silo_turns_on_Kubernetes_hosting_and_is_named_after_the_pod(string overlay)
    {
        var options = ArgusSiloOptions.From(PodConfiguration.For(Kustomize.Render(overlay)));

        Assert.True(options.Kubernetes);
        Assert.Equal(PodConfiguration.PodName, options.Name);
        Assert.False(string.IsNullOrWhiteSpace(options.Redis));
        Assert.True(new ArgusSiloOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_container_ports_are_the_ports_the_silo_listens_on(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var configuration = PodConfiguration.For(rendered);
        var options = ArgusSiloOptions.From(configuration);
        var ports = rendered.Silo.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        var urls = configuration[WebHostDefaults.ServerUrlsKey]!.Split(';').Select(u => new Uri(u.Replace("+", "0.0.0.0").Replace("*", "0.0.0.0"))).ToList();

        Assert.Equal(options.SiloPort, ports["silo"]);
        Assert.Equal(options.GatewayPort, ports["gateway"]);
        var url = Assert.Single(urls);
        Assert.Equal(ports["http"], url.Port);
        Assert.Equal("0.0.0.0", url.Host); // the silo's own default is loopback, unreachable from the Services
        Assert.Equal(ArgusGrpcOptions.ReadPort(configuration), ports["grpc"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_Services_reach_the_silo_pods_on_their_named_ports(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var podLabels = rendered.Silos.Spec.Template.Metadata.Labels;
        var containerPorts = rendered.Silo.Ports.Select(p => p.Name).ToHashSet();
        var headless = rendered.Named<V1Service>(rendered.Silos.Spec.ServiceName);
        var api = rendered.Named<V1Service>("argus-api");

        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.Equal(["gateway", "silo"], headless.Spec.Ports.Select(p => p.TargetPort.Value).Order());
        Assert.Equal(["grpc", "http"], api.Spec.Ports.Select(p => p.TargetPort.Value).Order());
        Assert.All(new[] { headless, api }, s =>
        {
            Assert.All(s.Spec.Selector, l => Assert.Equal(l.Value, podLabels[l.Key]));
            Assert.All(s.Spec.Ports, p => Assert.Contains(p.TargetPort.Value, containerPorts));
        });
        Assert.All(rendered.Silos.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, podLabels[l.Key]));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_probes_ask_readiness_on_start_and_liveness_after(string overlay)
    {
        var silo = Kustomize.Render(overlay).Silo;

        Assert.Equal("/readyz", silo.StartupProbe.HttpGet.Path);
        Assert.Equal("/readyz", silo.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", silo.LivenessProbe.HttpGet.Path);
        Assert.All(new[] { silo.StartupProbe, silo.ReadinessProbe, silo.LivenessProbe }, p =>
        {
            Assert.Equal("http", p.HttpGet.Port.Value);
            Assert.Equal("HTTPS", p.HttpGet.Scheme); // with Argus:Tls the port answers nothing else
        });
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_certificate_and_the_api_keys_come_from_Secrets_mounted_read_only_where_the_settings_point(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var configuration = PodConfiguration.For(rendered);
        var tls = configuration.GetSection(ArgusTlsOptions.Section).Get<ArgusTlsOptions>()!;

        // The file names a Secret of type kubernetes.io/tls carries (ca.crt as cert-manager writes it).
        Assert.Equal(("tls.crt", "tls.key", "ca.crt"), (Path.GetFileName(tls.Certificate), Path.GetFileName(tls.Key), Path.GetFileName(tls.CertificateAuthority)));
        Assert.All(new[] { tls.Certificate!, tls.Key!, tls.CertificateAuthority! }, path => Assert.Equal("argus-tls", SecretHolding(rendered, path)));
        Assert.Equal("argus-api-keys", SecretHolding(rendered, configuration["Argus:Auth:KeysFile"]!));
        Assert.StartsWith("https://", configuration[WebHostDefaults.ServerUrlsKey], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_network_policy_admits_the_api_port_from_anywhere_and_the_silo_ports_only_from_silos(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var podLabels = rendered.Silos.Spec.Template.Metadata.Labels;
        var containerPorts = rendered.Silo.Ports.Select(p => p.Name).ToHashSet();
        var policy = Assert.Single(rendered.All<V1NetworkPolicy>(), p => p.Spec.PodSelector.MatchLabels.All(l => podLabels.TryGetValue(l.Key, out var v) && v == l.Value));

        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        Assert.Equal(2, policy.Spec.Ingress.Count);
        Assert.All(policy.Spec.Ingress.SelectMany(r => r.Ports), p => Assert.Contains(p.Port.Value, containerPorts));
        // The API: from anywhere (no "from"), that port only; /metrics is served there, so the scrape passes too.
        var api = Assert.Single(policy.Spec.Ingress, r => r.FromProperty is null);
        Assert.Equal(["grpc", "http"], api.Ports.Select(p => p.Port.Value).Order());
        Assert.Equal($"{rendered.Silo.Ports.Single(p => p.Name == "http").ContainerPort}", rendered.Silos.Spec.Template.Metadata.Annotations["prometheus.io/port"]);
        // Silo to silo and the gateway: from silo pods only.
        var cluster = Assert.Single(policy.Spec.Ingress, r => r.FromProperty is not null);
        var peer = Assert.Single(cluster.FromProperty);
        Assert.Null(peer.IpBlock);
        Assert.Null(peer.NamespaceSelector);
        Assert.All(peer.PodSelector.MatchLabels, l => Assert.Equal(l.Value, podLabels[l.Key]));
        Assert.Equal(["gateway", "silo"], cluster.Ports.Select(p => p.Port.Value).Order());
    }

    /// <summary>The Secret whose read-only volume mount of the silo container holds <paramref name="path"/>.</summary>
    private static string SecretHolding(Rendered rendered, string path)
    {
        var mount = Assert.Single(rendered.Silo.VolumeMounts, m => path.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.True(mount.ReadOnlyProperty, $"{mount.MountPath} is writable");
        Assert.Null(mount.SubPath); // a subPath mount would not see the Secret change
        return Assert.Single(rendered.Silos.Spec.Template.Spec.Volumes, v => v.Name == mount.Name).Secret.SecretName;
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void A_stopping_pod_has_time_to_drain(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(PodConfiguration.For(rendered));
        using var host = builder.Build();
        var shutdown = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var preStop = rendered.Silo.Lifecycle.PreStop.Exec.Command;

        Assert.Equal("sleep", preStop[0]);
        var total = TimeSpan.FromSeconds(int.Parse(preStop[1])) + shutdown;
        Assert.True(shutdown >= TimeSpan.FromSeconds(60), $"the host stops after {shutdown}, before a batch-lane request's default deadline");
        Assert.True(total < TimeSpan.FromSeconds(rendered.Silos.Spec.Template.Spec.TerminationGracePeriodSeconds!.Value),
            $"pause and shutdown take {total}, the grace period is {rendered.Silos.Spec.Template.Spec.TerminationGracePeriodSeconds} s");
        // The drain (SiloDrain) runs inside the shutdown, and the silo still has to leave the cluster after it.
        var drain = TimeSpan.FromSeconds(PodConfiguration.For(rendered).GetSection(AutoscaleOptions.Section).Get<AutoscaleOptions>()?.DrainTimeoutSeconds
            ?? new AutoscaleOptions().DrainTimeoutSeconds);
        Assert.True(drain + TimeSpan.FromSeconds(10) <= shutdown, $"the drain may take {drain}, the host stops after {shutdown}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_runs_unprivileged_on_a_read_only_root(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var pods = rendered.All<V1StatefulSet>().Select(s => s.Spec.Template.Spec).Concat(rendered.All<V1Deployment>().Select(d => d.Spec.Template.Spec)).ToList();

        Assert.All(pods, pod =>
        {
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
            Assert.All(pod.Containers, c =>
            {
                Assert.True(c.SecurityContext.ReadOnlyRootFilesystem, c.Name);
                Assert.False(c.SecurityContext.AllowPrivilegeEscalation, c.Name);
                Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
                Assert.NotNull(c.Resources.Limits["memory"]);
            });
        });
        var tmp = Assert.Single(rendered.Silo.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(rendered.Silos.Spec.Template.Spec.Volumes, v => v.Name == tmp.Name).EmptyDir);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_image_runs_as_the_pods_user_with_the_settings_mounted_beside_the_silo(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var dockerfile = File.ReadAllText(Path.Combine(TestData.RepoRoot, "deploy", "docker", overlay.EndsWith("gpu", StringComparison.Ordinal) ? "Dockerfile.gpu" : "Dockerfile"));
        var workdir = Regex.Matches(dockerfile, @"^WORKDIR (\S+)$", RegexOptions.Multiline)[^1].Groups[1].Value;
        var user = Regex.Match(dockerfile, @"^USER (\d+):(\d+)$", RegexOptions.Multiline);
        var security = rendered.Silos.Spec.Template.Spec.SecurityContext;

        Assert.Equal(security.RunAsUser, long.Parse(user.Groups[1].Value));
        Assert.Equal(security.RunAsGroup, long.Parse(user.Groups[2].Value));
        Assert.Equal($"{workdir}/appsettings.{Environments.Production}.json", PodConfiguration.Settings(rendered).Mount.MountPath);
        Assert.Contains($"ENTRYPOINT [\"{workdir}/Argus.Silo\"]", dockerfile);
        // The root file system is read-only: the model cache lies in the writable emptyDir at /tmp.
        var cache = Regex.Match(dockerfile, @"^ENV Argus__Inference__ModelCache=(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.StartsWith(Assert.Single(rendered.Silo.VolumeMounts, m => m.MountPath == "/tmp").MountPath + "/", cache);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_settings_restate_the_images_models_in_order_with_files_the_image_has(string overlay)
    {
        var settings = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(PodConfiguration.Settings(Kustomize.Render(overlay)).Content)))
            .Build().GetSection(InferenceOptions.Section).Get<InferenceOptions>()!;
        var image = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestData.RepoRoot, "src", "Silo", "Argus.Silo", "appsettings.json"))
            .Build().GetSection(InferenceOptions.Section).Get<InferenceOptions>()!;

        // Lists merge by position: a model in another place would take the keys it does not set from its neighbour.
        Assert.Equal(image.Models.Select(m => m.Name), settings.Models.Take(image.Models.Count).Select(m => m.Name));
        Assert.All(settings.Models.SelectMany(m => new[] { m.Path, m.PreprocessPath, m.LabelsPath }).OfType<string>(), path =>
            Assert.True(Path.IsPathRooted(path) || File.Exists(Path.Combine(AppContext.BaseDirectory, path)), $"{path} is not in the silo's output"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_pods_service_account_may_do_what_Kubernetes_hosting_does_and_no_more(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var account = rendered.Named<V1ServiceAccount>(rendered.Silos.Spec.Template.Spec.ServiceAccountName);
        var binding = Assert.Single(rendered.All<V1RoleBinding>(), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name));
        var role = rendered.Named<V1Role>(binding.RoleRef.Name);

        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        // Reads its own pod, patches the Orleans labels onto it, lists and watches the cluster's pods; never deletes.
        Assert.Equal(["get", "list", "patch", "watch"], rule.Verbs.Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_disruption_budget_covers_the_silos_one_at_a_time(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var budget = Assert.Single(rendered.All<V1PodDisruptionBudget>());

        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Equal(rendered.Silos.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_object_lives_in_one_namespace(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var ns = Assert.Single(rendered.All<V1Namespace>()).Metadata.Name;

        Assert.All(rendered.Objects.OfType<k8s.IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void The_in_cluster_Redis_is_what_the_silos_connect_to()
    {
        var rendered = Kustomize.Render("overlays/cpu");
        var redis = rendered.Named<V1Service>("argus-redis");
        var pod = rendered.Named<V1Deployment>("argus-redis").Spec.Template;

        Assert.Equal($"{redis.Metadata.Name}:{Assert.Single(redis.Spec.Ports).Port}", PodConfiguration.Environment(rendered)["Argus__Redis"]);
        Assert.All(redis.Spec.Selector, l => Assert.Equal(l.Value, pod.Metadata.Labels[l.Key]));
        // Its only clients are the silos.
        var policy = rendered.Named<V1NetworkPolicy>("argus-redis");
        Assert.Equal(policy.Spec.PodSelector.MatchLabels, pod.Metadata.Labels.Where(l => policy.Spec.PodSelector.MatchLabels.ContainsKey(l.Key)).ToDictionary());
        var rule = Assert.Single(policy.Spec.Ingress);
        Assert.Equal(rendered.Silos.Spec.Selector.MatchLabels, Assert.Single(rule.FromProperty).PodSelector.MatchLabels);
        Assert.Equal("redis", Assert.Single(rule.Ports).Port.Value);
    }

    [Fact]
    public void With_an_external_Redis_the_silos_read_the_users_Secret_and_no_Redis_runs()
    {
        var rendered = Kustomize.Render("overlays/external-redis");

        Assert.Equal("argus-redis-external", Assert.Single(rendered.Silo.Env, e => e.Name == "Argus__Redis").ValueFrom.SecretKeyRef.Name);
        Assert.Equal(PodConfiguration.ExternalRedis, PodConfiguration.Environment(rendered)["Argus__Redis"]);
        Assert.Empty(rendered.All<V1Deployment>());
        Assert.Null(rendered.Find<V1Service>("argus-redis"));
        Assert.Null(rendered.Find<V1NetworkPolicy>("argus-redis"));
    }

    [Fact]
    public void The_cpu_overlay_runs_the_cpu_image_with_CUDA_off()
    {
        var rendered = Kustomize.Render("overlays/cpu");

        Assert.Equal("argus:cpu", rendered.Silo.Image);
        Assert.Equal(CudaMode.Off, PodConfiguration.For(rendered).GetSection(InferenceOptions.Section).Get<InferenceOptions>()!.Cuda);
        Assert.DoesNotContain("nvidia.com/gpu", rendered.Silo.Resources.Limits.Keys);
    }

    [Fact]
    public void The_gpu_overlay_asks_for_a_GPU_and_runs_the_CUDA_image_with_CUDA_on()
    {
        var rendered = Kustomize.Render("overlays/gpu");

        Assert.Equal("argus:gpu", rendered.Silo.Image);
        Assert.Equal(CudaMode.Auto, PodConfiguration.For(rendered).GetSection(InferenceOptions.Section).Get<InferenceOptions>()!.Cuda);
        Assert.Equal(new ResourceQuantity("1"), rendered.Silo.Resources.Limits["nvidia.com/gpu"]);
        Assert.Contains(rendered.Silos.Spec.Template.Spec.Tolerations, t => t.Key == "nvidia.com/gpu");
    }
}
