using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Argus.Inference.Storage;

/// <summary>
/// Opens a path that <see cref="ConfinedPath.Resolve"/> returned without following any symbolic link on its way, so a
/// link swapped into it between the check and the use (a time-of-check race) fails the open instead of leading it out
/// of its root. Uses <c>openat2(RESOLVE_NO_SYMLINKS)</c>; on a kernel older than 5.6 (or a sandbox that refuses the call)
/// only the last component is held to that, with <c>O_NOFOLLOW</c>.
/// </summary>
public static partial class ConfinedFile
{
    private const int AtFdCwd = -100;
    private const long SysOpenat2 = 437; // the same number on every Linux architecture
    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong ResolveNoMagicLinks = 0x02;
    private const int OReadOnly = 0;
    private const int OWriteOnly = 1;
    private const int OCreate = 0x40;
    private const int OExclusive = 0x80;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloseOnExec = 0x80000;
    private const int ENoSys = 38;
    private const int EPerm = 1;
    private const int ELoop = 40;

    // The only flags whose values differ between the architectures .NET runs on here.
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;
    private static readonly int ODirectory = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    private static bool _noOpenat2;

    /// <summary>Reads the whole regular file at <paramref name="realPath"/>.</summary>
    /// <exception cref="PathRefusedException">A link appeared on its way, or it is no longer a regular file.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public static byte[] ReadAllBytes(string realPath)
    {
        // Non-blocking, so a pipe put in the file's place cannot hang the open; the kind check then refuses it.
        using var handle = Open(realPath, OReadOnly | ONonBlock | ONoCtty);
        if (!ConfinedPath.IsRegularFile(handle))
        {
            throw new PathRefusedException($"'{realPath}' is no longer a regular file.");
        }

        var bytes = new byte[RandomAccess.GetLength(handle)];
        for (var read = 0; read < bytes.Length;)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            read += n > 0 ? n : throw new IOException($"'{realPath}' was cut short while it was read.");
        }

        return bytes;
    }

    /// <summary>
    /// Opens folder <paramref name="realFolder"/> to create, rename and remove files in it through the folder itself,
    /// whatever its path comes to lead to meanwhile.
    /// </summary>
    /// <exception cref="PathRefusedException">A link appeared on the folder's way.</exception>
    public static Folder OpenFolder(string realFolder) => new(Open(realFolder, OReadOnly | ODirectory));

    /// <summary>An open folder: files are created, renamed and removed relative to it, never by its path.</summary>
    public sealed class Folder : IDisposable
    {
        private readonly SafeFileHandle _handle;

        internal Folder(SafeFileHandle handle) => _handle = handle;

        /// <summary>Creates <paramref name="name"/>, a name without folders, for writing; it must not exist.</summary>
        public FileStream Create(string name)
        {
            // A name with a folder in it would be looked up through that folder's links.
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (name.Contains('/'))
            {
                throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
            }

            var fd = OpenAt((int)_handle.DangerousGetHandle(), name, OWriteOnly | OCreate | OExclusive | ONoFollow | OCloseOnExec, 0x1A4 /* 0644 */);
            return fd >= 0
                ? new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 1 << 16)
                : throw Failure(Marshal.GetLastPInvokeError(), name);
        }

        /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, replacing it, in this folder.</summary>
        public void Replace(string from, string to)
        {
            var fd = (int)_handle.DangerousGetHandle();
            if (RenameAt(fd, from, fd, to) != 0)
            {
                throw Failure(Marshal.GetLastPInvokeError(), to);
            }
        }

        /// <summary>Removes <paramref name="name"/> from this folder, if it is there.</summary>
        public void Delete(string name) => UnlinkAt((int)_handle.DangerousGetHandle(), name, 0);

        /// <inheritdoc />
        public void Dispose() => _handle.Dispose();
    }

    private static SafeFileHandle Open(string path, int flags)
    {
        flags |= OCloseOnExec;
        if (!Volatile.Read(ref _noOpenat2))
        {
            var how = new OpenHow { Flags = (ulong)flags, Resolve = ResolveNoSymlinks | ResolveNoMagicLinks };
            var fd = (int)Openat2(SysOpenat2, AtFdCwd, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (fd >= 0)
            {
                return new SafeFileHandle(fd, ownsHandle: true);
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (ENoSys or EPerm))
            {
                throw Failure(errno, path);
            }

            Volatile.Write(ref _noOpenat2, true);
        }

        var fallback = OpenAt(AtFdCwd, path, flags | ONoFollow, 0);
        return fallback >= 0 ? new SafeFileHandle(fallback, ownsHandle: true) : throw Failure(Marshal.GetLastPInvokeError(), path);
    }

    private static Exception Failure(int errno, string path) => errno == ELoop
        ? new PathRefusedException($"'{path}' has a symbolic link on its way that was not there when it was checked.")
        : new IOException($"'{path}' could not be opened: {Marshal.GetPInvokeErrorMessage(errno)}.", errno);

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long Openat2(long number, int directory, string path, ref OpenHow how, nuint size);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int directory, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt(int fromDirectory, string from, int toDirectory, string to);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(int directory, string path, int flags);
}
