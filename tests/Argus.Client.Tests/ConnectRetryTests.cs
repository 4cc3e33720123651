using System.Net;
using System.Net.Sockets;
using Argus.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Messaging;

namespace Argus.Client.Tests;

/// <summary>How long starting the SDK's client tries to reach a gateway.</summary>
public sealed class ConnectRetryTests
{
    [Fact]
    public async Task Failed_connections_are_retried_with_growing_pauses_until_the_budget_would_be_passed()
    {
        var time = new FakeTimeProvider();
        var retry = new ConnectRetry(TimeSpan.FromSeconds(5), time);
        var failed = new ConnectionFailedException("refused");
        List<TimeSpan> pauses = [];

        while (true)
        {
            var before = time.GetUtcNow();
            var decision = retry.ShouldRetryConnectionAttempt(failed, CancellationToken.None);
            while (!decision.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
            }

            if (!await decision)
            {
                break;
            }

            pauses.Add(time.GetUtcNow() - before);
        }

        // 0.25 + 0.5 + 1 + 2 + 2 = 5.75 s would pass the 5 s budget: the last pause is not taken.
        Assert.Equal([0.25, 0.5, 1, 2], pauses.Select(p => p.TotalSeconds));
    }

    [Fact]
    public async Task A_failed_connection_is_retried_and_an_unrelated_error_is_not()
    {
        var retry = new ConnectRetry(TimeSpan.FromSeconds(30), TimeProvider.System);

        Assert.False(await retry.ShouldRetryConnectionAttempt(new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.True(await retry.ShouldRetryConnectionAttempt(new ConnectionFailedException("refused"), CancellationToken.None));
    }

    [Fact]
    public async Task A_client_that_reaches_no_gateway_fails_its_start_within_its_connect_timeout()
    {
        // A port nothing listens on: taken, then given back.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        // Orleans' own retries would go on for 3 minutes; this bound is far below that, and far above the 2 s asked for.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ClientHost.StartAsync(o =>
            {
                o.GatewayPorts = [port];
                o.ConnectTimeout = TimeSpan.FromSeconds(2);
            }, bound.Token);
        });

        Assert.False(bound.IsCancellationRequested, $"the start outlasted 60 s: {failure}");
        Assert.IsNotType<OperationCanceledException>(failure);
    }

    [Fact]
    public void A_connect_timeout_that_is_not_positive_is_refused()
    {
        var refusal = Assert.Throws<ArgumentException>(() =>
            Host.CreateApplicationBuilder().AddArgusClient(o => o.ConnectTimeout = TimeSpan.Zero));

        Assert.Contains("ConnectTimeout must be positive", refusal.Message);
    }
}
