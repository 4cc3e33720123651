using System.Diagnostics;
using Argus.Silo.Auth;
using Argus.Silo.Hosting;
using Argus.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Argus.Silo.Tests.Hosting;

/// <summary>The silo's settings: checked at start, a wrong one refused with every failure listed (not a crash), handed to Orleans.</summary>
public sealed class SiloConfigurationTests
{
    [Fact]
    public async Task A_silo_with_two_bad_settings_lists_both_and_exits_with_1()
    {
        // Two options classes, registered by two projects: both are checked before either fails the start.
        var lines = await RefusedStartAsync(("Argus__Silo__ProbeTimeoutMs", "5"), ("Argus__Jobs__LeaseSeconds", "0"));

        Assert.Contains("Argus:Silo:ProbeTimeoutMs must be at least 100 (is 5).", lines);
        Assert.Contains("Argus:Jobs:LeaseSeconds must be at least 1 (is 0).", lines);
    }

    [Fact]
    public async Task A_silo_whose_TLS_files_are_missing_names_them_and_exits_with_1()
    {
        // Kestrel and Orleans are given the certificate when the host is built; it is read only after this check.
        var missing = Path.Combine(Path.GetTempPath(), $"argus-missing-{Guid.NewGuid():N}");
        var lines = await RefusedStartAsync(("Argus__Tls__Certificate", missing + ".crt"), ("Argus__Tls__Key", missing + ".key"));

        Assert.Contains($"Argus:Tls:Certificate names no readable file (is '{missing}.crt').", lines);
        Assert.Contains($"Argus:Tls:Key names no readable file (is '{missing}.key').", lines);
        Assert.Contains(lines, l => l.StartsWith("Argus:Tls:CertificateAuthority is needed", StringComparison.Ordinal));
    }

    /// <summary>
    /// Starts a silo process with <paramref name="settings"/>, expects it to refuse them (exit code 1, no stack trace) and
    /// returns the lines it wrote.
    /// </summary>
    private static async Task<string[]> RefusedStartAsync(params (string Name, string Value)[] settings)
    {
        var info = new ProcessStartInfo("dotnet", [SiloProcess.SiloDll()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloProcess.SiloDll())!,
        };
        info.Environment["Urls"] = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        info.Environment["Argus__Silo__SiloPort"] = SiloProcess.FreePort().ToString();
        info.Environment["Argus__Silo__GatewayPort"] = SiloProcess.FreePort().ToString();
        foreach (var (name, value) in settings)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 1, $"exit code {process.ExitCode}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        return lines;
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_a_failure_not_a_crash()
    {
        using var app = Build(("Argus:Silo:GatewayPort", "abc"));

        var failure = Assert.Single(SiloHostExtensions.ConfigurationFailures(app.Services));
        Assert.Contains("'Argus:Silo:GatewayPort'", failure);
    }

    [Fact]
    public void Adding_the_silo_twice_binds_and_checks_each_option_once()
    {
        using var app = Build(("Argus:Auth:ApiKeys:0", "0123456789abcdef"), ("Argus:Autoscale:MinSilos", "0"));

        var failures = SiloHostExtensions.ConfigurationFailures(app.Services);
        Assert.Single(failures, f => f.StartsWith("Argus:Autoscale:MinSilos ", StringComparison.Ordinal));
        Assert.Single(app.Services.GetRequiredService<IOptions<ArgusAuthOptions>>().Value.ApiKeys);
    }

    [Fact]
    public void The_checked_settings_reach_Orleans()
    {
        using var app = Build(
            ("Argus:Silo:Name", "silo-7"), ("Argus:Silo:SiloPort", "12001"), ("Argus:Silo:GatewayPort", "12002"), ("Argus:Silo:ProbeTimeoutMs", "1500"),
            ("Argus:Silo:MissedProbesLimit", "3"), ("Argus:Jobs:ReminderSeconds", "90"));

        Assert.Empty(SiloHostExtensions.ConfigurationFailures(app.Services));
        Assert.Equal("silo-7", app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal((12001, 12002), (endpoints.SiloPort, endpoints.GatewayPort));
        var membership = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal((TimeSpan.FromMilliseconds(1500), 3), (membership.ProbeTimeout, membership.NumMissedProbesLimit));
        Assert.Equal(TimeSpan.FromSeconds(90), app.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
        Assert.Equal(100_000, app.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
    }

    private static WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = SiloHostBuilder.Create(settings);
        builder.AddArgusSilo(); // a second call changes nothing
        return builder.Build();
    }
}
