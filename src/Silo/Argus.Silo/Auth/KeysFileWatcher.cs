using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>
/// Reads the keys file (<see cref="ArgusAuthOptions.KeysFile"/>) every <see cref="ArgusAuthOptions.KeysFilePollMs"/> and,
/// when its content changed and is valid, replaces the file's keys; a changed file that is invalid or missing keeps the
/// last valid keys and logs a warning once per content. Polling the content, rather than watching the file, sees
/// Kubernetes' update of a mounted Secret, which swaps a <c>..data</c> symbolic link in the folder above the file.
/// </summary>
internal sealed partial class KeysFileWatcher(
    IOptions<ArgusAuthOptions> options, ApiKeys keys, TimeProvider time, ILogger<KeysFileWatcher> logger) : BackgroundService
{
    private byte[]? _seen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.KeysFile is not { Length: > 0 } path)
        {
            return;
        }

        _seen = keys.FileHash;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.KeysFilePollMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check(path);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }

    private void Check(string path)
    {
        if (KeyEntries.ReadFile(path, out var unreadable) is not { } content)
        {
            if (_seen is not null)
            {
                LogUnusable(logger, path, unreadable!, keys.Count);
                _seen = null;
            }

            return;
        }

        var hash = SHA256.HashData(content);
        if (_seen is not null && hash.AsSpan().SequenceEqual(_seen))
        {
            return;
        }

        _seen = hash;
        var entries = KeyEntries.Configured(options.Value);
        entries.AddFile(path, content);
        if (entries.Problems.Count > 0)
        {
            LogUnusable(logger, path, string.Join(" ", entries.Problems), keys.Count);
            return;
        }

        keys.Use(entries.Keys, hash);
        LogReloaded(logger, path, entries.Keys.Count);
    }
}
