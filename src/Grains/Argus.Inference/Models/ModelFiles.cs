using Argus.Inference.Storage;

namespace Argus.Inference.Models;

/// <summary>
/// Where a model version's files are. A configured version's paths are the operator's (relative to the application's
/// folder, or absolute anywhere: <see cref="Configured"/>); a version loaded at run time comes from a client, so its
/// paths are confined to the model root (<see cref="Resolve"/>).
/// </summary>
public static class ModelFiles
{
    /// <summary>A configured version's file: relative to the application's folder, or absolute anywhere.</summary>
    /// <exception cref="ModelLoadException">The file is missing.</exception>
    public static string Configured(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(full)
            ? full
            : throw new ModelLoadException($"Model file {full} is missing. The PP-OCR and moderation models come from scripts/fetch-models.sh (run it, then rebuild).");
    }

    /// <summary>
    /// The real path of a file of a version loaded at run time, which must lie in <paramref name="root"/>:
    /// <paramref name="path"/> is relative to the root, or absolute and inside it; it has no <c>..</c> segment; once every
    /// symbolic link in it (and in the root) is resolved it is still inside the root; and it is a regular file (not a
    /// folder, device or pipe), as <see cref="ConfinedPath"/> checks. Callers open the returned path, not <paramref name="path"/>.
    /// </summary>
    /// <param name="root">The model root, relative to the application's folder or absolute.</param>
    /// <param name="path">The path as the version's definition gives it.</param>
    /// <exception cref="ModelLoadException">A rule is broken; the message names the path and the rule.</exception>
    public static string Resolve(string root, string path)
    {
        try
        {
            return ConfinedPath.Resolve([Path.GetFullPath(root, AppContext.BaseDirectory)], path, ConfinedKind.File, "Model file", "the model root");
        }
        catch (PathRefusedException e)
        {
            throw new ModelLoadException(e.Message);
        }
    }
}
