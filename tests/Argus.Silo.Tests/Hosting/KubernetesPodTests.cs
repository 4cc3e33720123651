using Argus.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Argus.Silo.Tests.Hosting;

public sealed class KubernetesPodTests
{
    private static ArgusSiloOptions Options(params (string Key, string Value)[] settings) =>
        ArgusSiloOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build());

    [Fact]
    public void Outside_a_pod_the_silo_keeps_its_configured_name()
    {
        var options = Options(("Argus:Silo:Name", "silo-3"));

        Assert.False(options.Kubernetes);
        Assert.Equal("silo-3", options.Name);
        Assert.True(new ArgusSiloOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void The_downward_apis_pod_name_and_namespace_turn_it_on_and_name_the_silo()
    {
        var options = Options(("POD_NAME", "argus-silo-2"), ("POD_NAMESPACE", "argus"), ("POD_IP", "10.1.2.3"), ("Argus:Redis", "argus-redis:6379"));

        Assert.True(options.Kubernetes);
        Assert.Equal("argus-silo-2", options.Name);
        Assert.True(new ArgusSiloOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_pod_name_without_a_namespace_is_not_taken_for_a_pod()
    {
        var options = Options(("POD_NAME", "argus-silo-2"));

        Assert.False(options.Kubernetes);
        Assert.Equal("silo-0", options.Name);
    }

    [Fact]
    public void Turned_off_it_stays_off_in_a_pod()
    {
        var options = Options(("POD_NAME", "argus-silo-2"), ("POD_NAMESPACE", "argus"), ("Argus:Silo:Kubernetes", "false"));

        Assert.False(options.Kubernetes);
        Assert.Equal("silo-0", options.Name);
    }

    [Fact]
    public void Turned_on_without_a_pod_name_it_takes_the_host_name_as_Kubernetes_hosting_does()
    {
        var options = Options(("Argus:Silo:Kubernetes", "true"), ("Argus:Redis", "argus-redis:6379"));

        Assert.True(options.Kubernetes);
        Assert.Equal(Environment.MachineName, options.Name);
    }

    [Fact]
    public void In_a_pod_the_silo_needs_Redis_for_membership()
    {
        var options = Options(("POD_NAME", "argus-silo-0"), ("POD_NAMESPACE", "argus"));

        var failure = Assert.Single(new ArgusSiloOptionsValidator().Validate(null, options).Failures!);
        Assert.Contains("Argus:Redis", failure);
    }
}
