using System.Text.Json;

namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// An input's JSON <c>data</c>, read once before its datatype may be known: the numbers an FP32 tensor takes, the base64
/// elements (strings or <c>{"b64": "…"}</c>) a BYTES tensor takes, flat or nested in row-major order, and how many
/// elements fit neither. Sized by what was sent, not by the shape: a shape may claim far more than the body holds.
/// </summary>
internal sealed class JsonData
{
    private JsonData(bool isArray) => IsArray = isArray;

    /// <summary>Whether the data is an array; when not, it holds nothing.</summary>
    public bool IsArray { get; }

    /// <summary>The numbers within FP32's range.</summary>
    public List<float> Numbers { get; } = [];

    /// <summary>Elements that are not numbers.</summary>
    public int NotNumbers { get; private set; }

    /// <summary>Numbers beyond FP32's range.</summary>
    public int OutOfRange { get; private set; }

    /// <summary>The decoded base64 elements.</summary>
    public List<byte[]> Images { get; } = [];

    /// <summary>Elements that are not base64 strings or objects holding one as <c>b64</c>.</summary>
    public int NotBase64 { get; private set; }

    /// <summary>Reads the value the reader is on (not null).</summary>
    public static JsonData Read(ref Utf8JsonReader reader)
    {
        var data = new JsonData(reader.TokenType == JsonTokenType.StartArray);
        if (data.IsArray)
        {
            data.Add(ref reader);
        }
        else
        {
            InferRequestJson.Skip(ref reader);
        }

        return data;
    }

    private void Add(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Add(ref reader);
                }

                break;
            case JsonTokenType.Number:
                NotBase64++;
                if (!reader.TryGetSingle(out var value))
                {
                    NotNumbers++;
                }
                else if (!float.IsFinite(value))
                {
                    OutOfRange++;
                }
                else
                {
                    Numbers.Add(value);
                }

                break;
            case JsonTokenType.String:
                NotNumbers++;
                AddImage(Base64(ref reader));
                break;
            case JsonTokenType.StartObject:
                NotNumbers++;
                byte[]? image = null;
                HashSet<string>? seen = null;
                while (InferRequestJson.NextMember(ref reader, ref seen, out var name))
                {
                    reader.Read();
                    if (name == "b64")
                    {
                        image = Base64(ref reader);
                    }

                    InferRequestJson.Skip(ref reader);
                }

                AddImage(image);
                break;
            default:
                NotNumbers++;
                NotBase64++;
                break;
        }
    }

    private void AddImage(byte[]? image)
    {
        if (image is null)
        {
            NotBase64++;
        }
        else
        {
            Images.Add(image);
        }
    }

    private static byte[]? Base64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        try
        {
            return reader.TryGetBytesFromBase64(out var bytes) ? bytes : null;
        }
        catch (InvalidOperationException)
        {
            return null; // an escaped lone surrogate: not base64 either
        }
    }
}
