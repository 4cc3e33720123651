using System.Runtime.InteropServices;

namespace Argus.Inference.Models;

/// <summary>
/// Where a model version's files are. A configured version's paths are the operator's (relative to the application's
/// folder, or absolute anywhere: <see cref="Configured"/>); a version loaded at run time comes from a client, so its
/// paths are confined to the model root (<see cref="Resolve"/>).
/// </summary>
public static partial class ModelFiles
{
    // Linux gives up after 40 links in one lookup (ELOOP); so does the resolver.
    private const int MaxLinks = 40;

    // .NET reports a pipe or a device as an ordinary file (FileAttributes.Normal), and opening a pipe to look would block:
    // statx(2) says what the path is without opening it. Its struct has the same layout on every Linux architecture.
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private const ushort TypeMask = 0xF000;
    private const ushort RegularType = 0x8000;

    /// <summary>A configured version's file: relative to the application's folder, or absolute anywhere.</summary>
    /// <exception cref="ModelLoadException">The file is missing.</exception>
    public static string Configured(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(full)
            ? full
            : throw new ModelLoadException($"Model file {full} is missing. The PP-OCR models come from scripts/fetch-models.sh (run it, then rebuild).");
    }

    /// <summary>
    /// The real path of a file of a version loaded at run time, which must lie in <paramref name="root"/>:
    /// <paramref name="path"/> is relative to the root, or absolute and inside it; it has no <c>..</c> segment; once every
    /// symbolic link in it (and in the root) is resolved it is still inside the root; and it is a regular file (not a
    /// folder, device or pipe). Callers open the returned path, not <paramref name="path"/>.
    /// </summary>
    /// <param name="root">The model root, relative to the application's folder or absolute.</param>
    /// <param name="path">The path as the version's definition gives it.</param>
    /// <exception cref="ModelLoadException">A rule is broken; the message names the path and the rule.</exception>
    public static string Resolve(string root, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
        {
            throw Refused(path, "is not a file name");
        }

        if (path.Split('/', '\\').Contains(".."))
        {
            throw Refused(path, "has a '..' segment: name a file inside the model root");
        }

        var rootFull = Path.GetFullPath(root, AppContext.BaseDirectory);
        var realRoot = RealPath(rootFull, path);
        if (!Directory.Exists(realRoot))
        {
            throw new ModelLoadException($"The model root {rootFull} is not a folder.");
        }

        var real = RealPath(Path.GetFullPath(path, rootFull), path);
        if (!real.StartsWith(Path.EndsInDirectorySeparator(realRoot) ? realRoot : realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Refused(path, $"lies outside the model root {realRoot} once symbolic links are resolved: a version loaded at run time may only use files inside it");
        }

        return KindOf(real) switch
        {
            FileKind.Regular => real,
            FileKind.Missing => throw Refused(path, $"is missing from the model root {realRoot}"),
            _ => throw Refused(path, "is not a regular file (a folder, device or pipe)"),
        };
    }

    private static ModelLoadException Refused(string path, string rule) => new($"Model file '{path}' {rule}.");

    /// <summary>
    /// <paramref name="full"/> with every symbolic link among its existing components replaced by its target, component
    /// by component as the kernel walks a path (so a link's '..' leaves the link's real folder, not its name's); the
    /// components from the first missing one on are kept as they are. <paramref name="path"/> is what an error names.
    /// </summary>
    private static string RealPath(string full, string path)
    {
        var top = Path.GetPathRoot(full)!;
        var current = top;
        var pending = new Stack<string>(Components(full[top.Length..]));
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == "..")
            {
                // `current` holds no link, so its textual parent is its real one.
                current = Path.GetDirectoryName(current) ?? top;
                continue;
            }

            var next = Path.Join(current, part);
            if (LinkTarget(next) is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw Refused(path, $"goes through more than {MaxLinks} symbolic links");
            }

            if (Path.IsPathRooted(target))
            {
                current = top;
            }

            foreach (var c in Components(target))
            {
                pending.Push(c);
            }
        }

        return current;
    }

    /// <summary>The components of a path, last first (for a stack), without empty or '.' ones.</summary>
    private static IEnumerable<string> Components(string path) =>
        path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").Reverse();

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // missing, or not readable: the file check below refuses it
        }
    }

    private enum FileKind
    {
        Missing,
        Regular,
        Other,
    }

    private static unsafe FileKind KindOf(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return FileKind.Missing;
        }

        var mode = *(ushort*)(buffer + StatxModeOffset);
        return (mode & TypeMask) == RegularType ? FileKind.Regular : FileKind.Other;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
