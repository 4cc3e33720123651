using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Argus.Inference.Storage;

/// <summary>What a confined path must name.</summary>
public enum ConfinedKind
{
    /// <summary>An existing regular file (not a folder, device, pipe or socket).</summary>
    File,

    /// <summary>An existing folder.</summary>
    Folder,

    /// <summary>An existing regular file or folder.</summary>
    FileOrFolder,

    /// <summary>A folder that may not exist yet: its nearest existing ancestor is a folder inside a root.</summary>
    NewFolder,
}

/// <summary>A path that <see cref="ConfinedPath.Resolve"/> refused; the message names the path and the rule it broke.</summary>
public sealed class PathRefusedException(string message) : Exception(message);

/// <summary>
/// The one rule for paths a client names (model files, job inputs and outputs, camera files): the path has no <c>..</c>
/// segment, every symbolic link in it (and in the roots) is resolved component by component as the kernel would, the
/// result lies inside one of the roots, and it is the kind of entry the caller needs. Callers use the returned real
/// path, never the one they were given, and resolve again each time they use it, so a link swapped after a check is
/// caught at the next use.
/// </summary>
public static partial class ConfinedPath
{
    // Linux gives up after 40 links in one lookup (ELOOP); so does the resolver.
    private const int MaxLinks = 40;

    // .NET reports a pipe or a device as an ordinary file (FileAttributes.Normal), and opening a pipe to look would block:
    // statx(2) says what the path is without opening it. Its struct has the same layout on every Linux architecture.
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private const ushort TypeMask = 0xF000;
    private const ushort RegularType = 0x8000;
    private const ushort FolderType = 0x4000;

    /// <summary>
    /// The real path of <paramref name="path"/>, which must lie inside one of <paramref name="roots"/> once links are
    /// resolved and be of <paramref name="kind"/>. A root may be the path itself when it is a folder.
    /// </summary>
    /// <param name="roots">Absolute folders; those that do not exist are left out.</param>
    /// <param name="path">Absolute, or relative to the first root.</param>
    /// <param name="kind">What the path must name.</param>
    /// <param name="what">How the message names the path, e.g. <c>Model file</c> or <c>input</c>.</param>
    /// <param name="rootsName">How the message names the roots, e.g. <c>the model root</c>.</param>
    /// <exception cref="PathRefusedException">A rule is broken, or none of the roots is a folder.</exception>
    public static string Resolve(IReadOnlyList<string> roots, string path, ConfinedKind kind, string what, string rootsName)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
        {
            throw Refused(what, path, "is not a file name");
        }

        if (path.Split('/', '\\').Contains(".."))
        {
            throw Refused(what, path, $"has a '..' segment: name a path inside {rootsName}");
        }

        var realRoots = roots.Select(r => RealPath(r, what, path)).Where(r => KindOf(r) == FileKind.Folder).Distinct(StringComparer.Ordinal).ToList();
        if (realRoots.Count == 0)
        {
            throw new PathRefusedException($"{Capitalised(rootsName)} ({string.Join(", ", roots)}) is not a folder.");
        }

        var real = RealPath(Path.GetFullPath(path, roots[0]), what, path);
        if (!realRoots.Any(r => IsInside(real, r)))
        {
            throw Refused(what, path, $"lies outside {rootsName} ({string.Join(", ", realRoots)}) once symbolic links are resolved");
        }

        var found = KindOf(real);
        return (kind, found) switch
        {
            (ConfinedKind.File or ConfinedKind.FileOrFolder, FileKind.Regular) => real,
            (ConfinedKind.Folder or ConfinedKind.FileOrFolder or ConfinedKind.NewFolder, FileKind.Folder) => real,
            (ConfinedKind.NewFolder, FileKind.Missing) when KindOf(NearestExisting(real)) == FileKind.Folder => real,
            (ConfinedKind.NewFolder, _) => throw Refused(what, path, "is not a folder, nor one that can be made there"),
            (_, FileKind.Missing) => throw Refused(what, path, $"is missing from {rootsName}"),
            (ConfinedKind.Folder, _) => throw Refused(what, path, "is not a folder"),
            (ConfinedKind.FileOrFolder, _) => throw Refused(what, path, "is not a regular file or a folder (a device, pipe or socket)"),
            _ => throw Refused(what, path, "is not a regular file (a folder, device, pipe or socket)"),
        };
    }

    private static PathRefusedException Refused(string what, string path, string rule) => new($"{what} '{path}' {rule}.");

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static bool IsInside(string real, string root) =>
        real == root || real.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The deepest existing folder on <paramref name="real"/>'s way (a real path has no links left).</summary>
    private static string NearestExisting(string real)
    {
        var current = real;
        while (KindOf(current) == FileKind.Missing && Path.GetDirectoryName(current) is { } parent)
        {
            current = parent;
        }

        return current;
    }

    /// <summary>
    /// <paramref name="full"/> with every symbolic link among its existing components replaced by its target, component
    /// by component as the kernel walks a path (so a link's '..' leaves the link's real folder, not its name's); the
    /// components from the first missing one on are kept as they are. <paramref name="path"/> is what an error names.
    /// </summary>
    private static string RealPath(string full, string what, string path)
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
                throw Refused(what, path, $"goes through more than {MaxLinks} symbolic links");
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
            return null; // missing, or not readable: the kind check refuses it
        }
    }

    private enum FileKind
    {
        Missing,
        Regular,
        Folder,
        Other,
    }

    /// <summary>True when the open <paramref name="handle"/> is a regular file (not a folder, device, pipe or socket).</summary>
    internal static bool IsRegularFile(SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return KindOf((int)handle.DangerousGetHandle(), "", AtEmptyPath) == FileKind.Regular;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static FileKind KindOf(string path) => KindOf(AtFdCwd, path, 0);

    private static unsafe FileKind KindOf(int directory, string path, int flags)
    {
        var buffer = stackalloc byte[StatxSize];
        if (Statx(directory, path, flags, StatxType, buffer) != 0)
        {
            return FileKind.Missing;
        }

        return (*(ushort*)(buffer + StatxModeOffset) & TypeMask) switch
        {
            RegularType => FileKind.Regular,
            FolderType => FileKind.Folder,
            _ => FileKind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
