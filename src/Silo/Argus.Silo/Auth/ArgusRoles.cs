namespace Argus.Silo.Auth;

/// <summary>
/// What an API key may do. A key holds any set of them; a configured key without roles holds all three, as every key did
/// before roles.
/// </summary>
public static class ArgusRoles
{
    /// <summary>Inference (v1, v2), model and device listings, frames pushed to the caller's own cameras.</summary>
    public const string Infer = "infer";

    /// <summary>Cameras, batch jobs and pipelines: create, change, cancel, watch.</summary>
    public const string Operate = "operate";

    /// <summary>The model repository and rollouts, the autoscaler, the dashboard and <c>/metrics</c>.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Infer, Operate, Admin];
}
