using Argus.Cameras;
using Argus.Inference;
using Argus.Inference.Models;
using Argus.Inference.Storage;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Cameras;

/// <summary>
/// Checks a camera's id and configuration against the models this silo is configured to serve, for the camera grain
/// (before it applies one) and the HTTP endpoint (which lists these problems beside those of the JSON it read), and a
/// video file against the camera roots (<see cref="StorageOptions.CameraRoots"/>).
/// </summary>
public sealed class CameraConfigValidator(IOptions<InferenceOptions> inference, IOptions<StorageOptions> storage)
{
    private readonly Dictionary<string, ModelTask> _models =
        inference.Value.Models.DistinctBy(m => m.Name, StringComparer.OrdinalIgnoreCase) // a model's versions share its task
            .ToDictionary(m => m.Name, m => m.Task, StringComparer.OrdinalIgnoreCase);

    private readonly ILookup<string, string> _versions =
        inference.Value.Models.ToLookup(m => m.Name, m => m.Version, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every problem of <paramref name="config"/> for camera <paramref name="camera"/>; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate(string camera, CameraConfig config) => CameraConfigValidation.Validate(camera, config, _models, _versions, storage.Value);
}
