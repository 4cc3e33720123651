using System.Net.Http.Json;
using System.Text.Json;
using Argus.Grains.Pipelines;
using Argus.Pipelines;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Http;

/// <summary>
/// Posts webhook deliveries with the <see cref="Client"/> HTTP client of the factory (its timeout <see cref="Timeout"/>)
/// and the API's JSON, so a receiver gets the items as <c>GET …/items/{item}</c> shows them.
/// </summary>
internal sealed class WebhookPoster(IHttpClientFactory clients, IOptions<JsonOptions> json) : IWebhookPoster
{
    /// <summary>The factory's name of the webhook client.</summary>
    public const string Client = "argus-webhook";

    /// <summary>How long a receiver may take to answer a post before it counts as failed (and is posted again).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How much of a refusing receiver's body the status keeps.</summary>
    private const int ErrorChars = 200;

    public async Task<string?> PostAsync(Uri webhook, string delivery, string pipeline, IReadOnlyList<PipelineItem> items, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook)
        {
            Content = JsonContent.Create(new Delivery(pipeline, items), options: json.Value.SerializerOptions),
        };
        request.Headers.Add(IWebhookPoster.DeliveryHeader, delivery);
        try
        {
            using var response = await clients.CreateClient(Client).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return $"{(int)response.StatusCode} {response.ReasonPhrase}: {(body.Length > ErrorChars ? body[..ErrorChars] + "…" : body)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:F0} s" : e.Message;
        }
    }

    /// <summary>What a webhook receives.</summary>
    private sealed record Delivery(string Pipeline, IReadOnlyList<PipelineItem> Items);
}
