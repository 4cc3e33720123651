using k8s;
using k8s.Models;

namespace Argus.Deploy.Tests;

/// <summary>KEDA's ScaledObject (keda.sh/v1alpha1): the fields the manifests use, for a strict parse.</summary>
internal sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiVersionKind = "keda.sh/v1alpha1/ScaledObject";

    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ScaledObjectSpec Spec { get; set; } = new();
}

internal sealed class ScaledObjectSpec
{
    public V2CrossVersionObjectReference ScaleTargetRef { get; set; } = new();

    public int? PollingInterval { get; set; }

    public int? MinReplicaCount { get; set; }

    public int? MaxReplicaCount { get; set; }

    public ScaledObjectAdvanced? Advanced { get; set; }

    public List<ScaleTrigger> Triggers { get; set; } = [];
}

internal sealed class ScaledObjectAdvanced
{
    public HorizontalPodAutoscalerConfig? HorizontalPodAutoscalerConfig { get; set; }
}

internal sealed class HorizontalPodAutoscalerConfig
{
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}

internal sealed class ScaleTrigger
{
    public string Type { get; set; } = "";

    public string? MetricType { get; set; }

    public ScaledObjectAuthenticationRef? AuthenticationRef { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];
}

internal sealed class ScaledObjectAuthenticationRef
{
    public string Name { get; set; } = "";
}

/// <summary>KEDA's TriggerAuthentication (keda.sh/v1alpha1): parameters from Secrets.</summary>
internal sealed class TriggerAuthentication : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiVersionKind = "keda.sh/v1alpha1/TriggerAuthentication";

    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public TriggerAuthenticationSpec Spec { get; set; } = new();
}

internal sealed class TriggerAuthenticationSpec
{
    public List<SecretTargetRef> SecretTargetRef { get; set; } = [];
}

internal sealed class SecretTargetRef
{
    public string Parameter { get; set; } = "";

    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}
