using System.Collections.Concurrent;
using System.Net;
using Argus.Testing;
using Google.Protobuf;

namespace Argus.Silo.Tests.Telemetry;

/// <summary>A span as an OTLP exporter sent it: ids in hex, the instrumentation scope's name, attributes as text.</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, string Scope, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP receiver on a free loopback port, as an OpenTelemetry collector would be: it answers every export with
/// 200, keeps the spans of <c>/v1/traces</c> (read from their protobuf with the field numbers of
/// opentelemetry/proto/trace/v1/trace.proto) and counts the exports of <c>/v1/metrics</c>.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly LoopbackListener _listener;
    private int _metricExports;

    public OtlpReceiver() => _listener = new LoopbackListener("/", ReceiveAsync);

    public Uri Endpoint => new(_listener.Url.GetLeftPart(UriPartial.Authority));

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public int MetricExports => Volatile.Read(ref _metricExports);

    public void Dispose() => _listener.Dispose();

    private async Task ReceiveAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/v1/traces":
                ReadTraces(body.ToArray());
                break;
            case "/v1/metrics":
                Interlocked.Increment(ref _metricExports);
                break;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>ExportTraceServiceRequest: resource_spans = 1 → scope_spans = 2 → (scope = 1 → name = 1; spans = 2).</summary>
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                var scope = Fields(scopeSpans, 1).Select(s => Fields(s, 1).Select(n => n.ToStringUtf8()).FirstOrDefault()).FirstOrDefault() ?? "";
                foreach (var span in Fields(scopeSpans, 2))
                {
                    Spans.Enqueue(ReadSpan(span, scope));
                }
            }
        }
    }

    /// <summary>Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, attributes = 9 (key = 1, value = 2).</summary>
    private static ReceivedSpan ReadSpan(ByteString span, string scope)
    {
        static string Hex(IEnumerable<ByteString> field) => field.Select(b => Convert.ToHexStringLower(b.Span)).FirstOrDefault() ?? "";
        var attributes = Fields(span, 9).ToDictionary(
            a => Fields(a, 1).Single().ToStringUtf8(),
            a => Fields(a, 2).Select(AnyValue).FirstOrDefault() ?? "");
        return new ReceivedSpan(
            Hex(Fields(span, 1)), Hex(Fields(span, 2)), Hex(Fields(span, 4)), Fields(span, 5).Single().ToStringUtf8(), scope, attributes);
    }

    /// <summary>AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4; others as empty.</summary>
    private static string AnyValue(ByteString value)
    {
        var input = new CodedInputStream(value.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    return input.ReadString();
                case 2:
                    return input.ReadBool() ? "true" : "false";
                case 3:
                    return input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 4:
                    return input.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return "";
    }

    /// <summary>The length-delimited values of field <paramref name="number"/> of a message, other fields skipped.</summary>
    private static List<ByteString> Fields(ByteString message, int number) => Fields(message.ToByteArray(), number);

    private static List<ByteString> Fields(byte[] message, int number)
    {
        List<ByteString> values = [];
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                values.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return values;
    }
}
