using Argus.Grains.Scaling;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace Argus.Deploy.Tests;

/// <summary>The three ways to autoscale, each rendered alone and checked against the silos they scale.</summary>
public sealed class ScalingManifestTests
{
    private const string DesiredReplicasGauge = "argus_autoscale_desired_replicas";

    private static Rendered Silos => Kustomize.Render("overlays/cpu");

    /// <summary>The autoscaler's options as the silos of the CPU overlay start with them.</summary>
    private static AutoscaleOptions Autoscaler =>
        PodConfiguration.For(Silos).GetSection(AutoscaleOptions.Section).Get<AutoscaleOptions>() ?? new();

    public static TheoryData<string> Keda => new() { "scaling/keda", "scaling/keda-prometheus" };

    [Theory]
    [MemberData(nameof(Keda))]
    public void KEDA_scales_the_silos_StatefulSet_to_the_desired_count(string directory)
    {
        var scaled = Assert.Single(Kustomize.Render(directory).All<ScaledObject>());
        var target = Silos.Silos;

        Assert.Equal(("apps/v1", "StatefulSet", target.Metadata.Name), (scaled.Spec.ScaleTargetRef.ApiVersion, scaled.Spec.ScaleTargetRef.Kind, scaled.Spec.ScaleTargetRef.Name));
        Assert.Equal(target.Metadata.NamespaceProperty, scaled.Metadata.NamespaceProperty);
        Assert.True(scaled.Spec.MinReplicaCount >= 1, "no silo, nothing to take a first request or to publish the count");
        Assert.True(scaled.Spec.MinReplicaCount <= Autoscaler.MinSilos && scaled.Spec.MaxReplicaCount >= Autoscaler.MaxSilos,
            $"KEDA's bounds {scaled.Spec.MinReplicaCount}–{scaled.Spec.MaxReplicaCount} cut off the autoscaler's {Autoscaler.MinSilos}–{Autoscaler.MaxSilos}");
        var trigger = Assert.Single(scaled.Spec.Triggers);
        // replicas = ceil(desired / 1).
        Assert.Equal("AverageValue", trigger.MetricType);
        Assert.Equal("1", trigger.Metadata.GetValueOrDefault("targetValue") ?? trigger.Metadata["threshold"]);
    }

    [Fact]
    public void KEDA_reads_the_desired_count_from_the_API_Service()
    {
        var trigger = Assert.Single(Assert.Single(Kustomize.Render("scaling/keda").All<ScaledObject>()).Spec.Triggers);
        var api = Silos.Named<V1Service>("argus-api");
        var url = new Uri(trigger.Metadata["url"]);

        Assert.Equal("metrics-api", trigger.Type);
        Assert.Equal($"{api.Metadata.Name}.{api.Metadata.NamespaceProperty}.svc.cluster.local", url.Host);
        Assert.Equal(Assert.Single(api.Spec.Ports, p => p.Name == "http").Port, url.Port);
        Assert.Equal("/v1/autoscale", url.AbsolutePath);
        Assert.Equal("desired", trigger.Metadata["valueLocation"]);
        // HTTPS only (Argus:Tls): the authority and a certificate from the silos' Secret.
        Assert.Equal("https", url.Scheme);
        Assert.Equal("tls", trigger.Metadata["authMode"]);
        var authentication = Assert.Single(Kustomize.Render("scaling/keda").All<TriggerAuthentication>(), a => a.Metadata.Name == trigger.AuthenticationRef!.Name);
        var secret = Assert.Single(Silos.Silos.Spec.Template.Spec.Volumes, v => v.Name == "tls").Secret.SecretName;
        Assert.Equal(
            [("ca", secret, "ca.crt"), ("cert", secret, "tls.crt"), ("key", secret, "tls.key")],
            authentication.Spec.SecretTargetRef.Select(r => (r.Parameter, r.Name, r.Key)).OrderBy(r => r.Parameter));
    }

    [Fact]
    public void KEDA_from_Prometheus_reads_the_silos_gauge()
    {
        var trigger = Assert.Single(Assert.Single(Kustomize.Render("scaling/keda-prometheus").All<ScaledObject>()).Spec.Triggers);

        Assert.Equal("prometheus", trigger.Type);
        Assert.Contains(DesiredReplicasGauge + "{", trigger.Metadata["query"]);
        Assert.Contains($"namespace=\"{Silos.Silos.Metadata.NamespaceProperty}\"", trigger.Metadata["query"]);
    }

    [Fact]
    public void Without_KEDA_an_HPA_scales_the_silos_on_the_gauge_as_an_external_metric()
    {
        var hpa = Assert.Single(Kustomize.Render("scaling/hpa").All<V2HorizontalPodAutoscaler>());
        var target = Silos.Silos;

        Assert.Equal(("apps/v1", "StatefulSet", target.Metadata.Name), (hpa.Spec.ScaleTargetRef.ApiVersion, hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.Equal(target.Metadata.NamespaceProperty, hpa.Metadata.NamespaceProperty);
        Assert.True(hpa.Spec.MinReplicas >= 1);
        Assert.True(hpa.Spec.MinReplicas <= Autoscaler.MinSilos && hpa.Spec.MaxReplicas >= Autoscaler.MaxSilos);
        var metric = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal(DesiredReplicasGauge, metric.External.Metric.Name);
        Assert.Equal(("AverageValue", new ResourceQuantity("1")), (metric.External.Target.Type, metric.External.Target.AverageValue));
    }
}
