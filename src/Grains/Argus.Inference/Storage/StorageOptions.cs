namespace Argus.Inference.Storage;

/// <summary>
/// The folders that paths clients name must lie in (<c>Argus:Storage</c>), after symbolic links are resolved
/// (<see cref="ConfinedPath"/>). A root is absolute, or relative to the silo's current folder. A list left empty keeps
/// its default; a configured list replaces it whole.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Storage";

    /// <summary>OpenCV's sample images and videos, which the README's examples use.</summary>
    public const string OpenCvSamples = "/usr/share/doc/opencv-doc/examples/data";

    /// <summary>
    /// Where batch jobs read: their input folders, globs and manifests, and every file these list. Default: the current
    /// folder, the temporary folder (<c>/tmp</c>) and <see cref="OpenCvSamples"/>.
    /// </summary>
    public List<string> InputRoots { get; set; } = [];

    /// <summary>Where batch jobs write: <c>{output}/{job}/…</c> lies below one of these. Default: the current folder and the temporary folder.</summary>
    public List<string> OutputRoots { get; set; } = [];

    /// <summary>
    /// Where a camera's video file (a path or a <c>file://</c> URL) lies; network sources are not confined. Default: the
    /// current folder, the temporary folder and <see cref="OpenCvSamples"/>.
    /// </summary>
    public List<string> CameraRoots { get; set; } = [];

    /// <summary>The input roots in force, absolute.</summary>
    public IReadOnlyList<string> Inputs => InForce(InputRoots, ".", Path.GetTempPath(), OpenCvSamples);

    /// <summary>The output roots in force, absolute.</summary>
    public IReadOnlyList<string> Outputs => InForce(OutputRoots, ".", Path.GetTempPath());

    /// <summary>The camera roots in force, absolute.</summary>
    public IReadOnlyList<string> Cameras => InForce(CameraRoots, ".", Path.GetTempPath(), OpenCvSamples);

    /// <summary>The real path of a job input (<paramref name="what"/> names it in a refusal) inside <see cref="Inputs"/>.</summary>
    /// <exception cref="PathRefusedException">It leaves the roots, or is not of <paramref name="kind"/>.</exception>
    public string Input(string path, ConfinedKind kind, string what = "input") =>
        ConfinedPath.Resolve(Inputs, path, kind, what, $"the input roots ({Section}:InputRoots)");

    /// <summary>
    /// The real path of an output folder (a job's output, a pipeline's archive: <paramref name="what"/> names it in a
    /// refusal) inside <see cref="Outputs"/>; it may not exist yet.
    /// </summary>
    /// <exception cref="PathRefusedException">It leaves the roots, or is not a folder nor one that can be made.</exception>
    public string Output(string path, string what = "output") =>
        ConfinedPath.Resolve(Outputs, path, ConfinedKind.NewFolder, what, $"the output roots ({Section}:OutputRoots)");

    /// <summary>
    /// The real path of a kept image file inside <see cref="Outputs"/> (a pipeline's archive) or <see cref="Inputs"/> (a
    /// watched folder).
    /// </summary>
    /// <exception cref="PathRefusedException">It leaves the roots, or is not a regular file.</exception>
    public string Kept(string path) =>
        ConfinedPath.Resolve([.. Outputs, .. Inputs], path, ConfinedKind.File, "The kept image", $"the output and input roots ({Section})");

    /// <summary>The real path of a camera's video file inside <see cref="Cameras"/>.</summary>
    /// <exception cref="PathRefusedException">It leaves the roots, or is not a regular file.</exception>
    public string Camera(string path) =>
        ConfinedPath.Resolve(Cameras, path, ConfinedKind.File, "The video file", $"the camera roots ({Section}:CameraRoots)");

    private static List<string> InForce(List<string> configured, params string[] defaults) =>
        [.. (configured.Count > 0 ? configured : [.. defaults]).Select(r => Path.GetFullPath(r))];
}
