using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Sessions;

/// <summary>
/// Models exported with a fixed batch size, kept once made symbolic (<see cref="OnnxModel.WithSymbolicBatch"/>), so a silo
/// patches such a model at its first start rather than at every start: patching ResNet18 in memory costs about a second
/// of CPU and leaves some 200 MB of garbage. An entry is named after the source file's full path, size and last write
/// time, so a changed file is patched again; it is written whole or not at all (a temporary file, then a rename), so
/// silos sharing the folder never read half of one.
/// </summary>
public sealed partial class SymbolicBatchCache(string folder, ILogger logger)
{
    // Part of every entry's name: a change to what WithSymbolicBatch writes must change it, so old entries are not read.
    private const string PatchVersion = "1";

    /// <summary>The folder the entries are in.</summary>
    public string Folder { get; } = folder;

    /// <summary>The patched copy of <paramref name="path"/>, when one was stored; else null.</summary>
    public string? Find(string path)
    {
        var entry = EntryFor(path);
        return File.Exists(entry) ? entry : null;
    }

    /// <summary>Stores <paramref name="patched"/> as the patched copy of <paramref name="path"/>; a failure only logs (the caller has the bytes).</summary>
    public void Store(string path, byte[] patched)
    {
        var entry = EntryFor(path);
        var temporary = $"{entry}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(temporary, patched);
            File.Move(temporary, entry, overwrite: true);
            LogStored(logger, path, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            LogNotStored(logger, path, Folder, e.Message);
        }
    }

    private string EntryFor(string path)
    {
        var source = new FileInfo(path);
        var identity = string.Create(CultureInfo.InvariantCulture,
            $"{PatchVersion}\n{source.FullName}\n{source.Length}\n{source.LastWriteTimeUtc.Ticks}");
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 8));
        return Path.Combine(Folder, $"{Path.GetFileNameWithoutExtension(path)}.{key}.onnx");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to clean, or nowhere to clean it: the entry was not stored either way.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Path} has a fixed batch size: made symbolic once, kept as {Entry}")]
    private static partial void LogStored(ILogger logger, string path, string entry);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Model {Path} has a fixed batch size and was made symbolic in memory, but could not be kept in {Folder} ({Reason}): every start will patch it again (set Argus:Inference:ModelCache to a writable folder)")]
    private static partial void LogNotStored(ILogger logger, string path, string folder, string reason);
}
