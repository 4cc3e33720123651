using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Argus.Silo.Tests.Hosting;

/// <summary>A silo's host as <c>Program</c> builds it, with <paramref name="settings"/>, for tests of its wiring (not started).</summary>
internal static class SiloHostBuilder
{
    public static WebApplicationBuilder Create(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddArgusSilo();
        return builder;
    }
}
