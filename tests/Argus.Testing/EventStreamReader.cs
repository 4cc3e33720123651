using System.Text.Json;

namespace Argus.Testing;

/// <summary>An event of a server-sent event stream: its id, its type and its data (one line of JSON).</summary>
public sealed record ServerSentEvent(string? Id, string Type, JsonElement Data);

/// <summary>Reads the events of a server-sent event stream as the API writes them (comment lines skipped).</summary>
public sealed class EventStreamReader(Stream stream) : IDisposable
{
    private readonly StreamReader _lines = new(stream);

    /// <summary>The next event of type <paramref name="type"/> (others are skipped), within <paramref name="timeout"/>.</summary>
    /// <exception cref="OperationCanceledException">None came in time.</exception>
    /// <exception cref="EndOfStreamException">The stream ended first.</exception>
    public async Task<ServerSentEvent> NextAsync(string type, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string? id = null, name = null;
        while (await _lines.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == type)
            {
                return new ServerSentEvent(id, name, JsonDocument.Parse(line[6..]).RootElement.Clone());
            }
        }

        throw new EndOfStreamException($"The event stream ended before a '{type}' event.");
    }

    public void Dispose() => _lines.Dispose();
}
