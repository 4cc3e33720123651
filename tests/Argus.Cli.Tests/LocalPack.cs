using System.Diagnostics;
using System.Text;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary>
/// The NuGet packages as scripts/pack.sh makes them from this build, packed once for a test class into a temporary
/// folder under a version of their own (the global packages folder keeps the first copy of a version it restores, so a
/// reused version would test an older pack). What restores from there added to the global packages folder is removed
/// again afterwards.
/// </summary>
public sealed class LocalPack : IAsyncLifetime
{
    private static readonly string[] PackageIds = ["Argus.Abstractions", "Argus.Client", "Argus.Cli"];

    /// <summary>The packages' version.</summary>
    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    /// <summary>The folder holding the packages: a local package source.</summary>
    public DirectoryInfo Source { get; } = Directory.CreateTempSubdirectory("argus-pack-");

    /// <summary>The path of package <paramref name="id"/>'s .nupkg.</summary>
    public string Package(string id) => Path.Combine(Source.FullName, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        // The projects were built with the tests, in their configuration: pack them as they are.
        var (code, output) = await RunAsync(
            "bash", [Path.Combine(TestData.RepoRoot, "scripts", "pack.sh"), "-c", TestData.Configuration, "--no-build", $"-p:Version={Version}"],
            TimeSpan.FromMinutes(8), new Dictionary<string, string> { ["ARGUS_PACKAGES"] = Source.FullName });
        Assert.True(code == 0, output);
    }

    public Task DisposeAsync()
    {
        Source.Delete(recursive: true);
        var global = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var restored = new DirectoryInfo(Path.Combine(global, id.ToLowerInvariant(), Version));
            if (restored.Exists)
            {
                restored.Delete(recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="file"/> to its end (killed with its children past <paramref name="timeout"/>) and returns its
    /// exit code and what it wrote to stdout and stderr, interleaved. MSBuild's variables of the test host are not passed
    /// on, so a <c>dotnet build</c> it starts is an ordinary one; nor are build servers left running.
    /// </summary>
    public static async Task<(int Code, string Output)> RunAsync(
        string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestData.RepoRoot,
        };
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"{file} ran past {timeout}:\n{Text(output)}");
        }

        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
