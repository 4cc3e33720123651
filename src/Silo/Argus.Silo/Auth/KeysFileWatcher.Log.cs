namespace Argus.Silo.Auth;

internal sealed partial class KeysFileWatcher
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Keys file {Path} read again: {Count} keys held")]
    private static partial void LogReloaded(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keys file {Path} changed but cannot be used, so the last valid keys ({Count}) stay: {Problems}")]
    private static partial void LogUnusable(ILogger logger, string path, string problems, int count);
}
