using System.Text.Json;

namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// Reads a request's JSON into <see cref="InferRequest"/> in one pass of <see cref="Utf8JsonReader"/>, each input's
/// <c>data</c> straight into its values (<see cref="JsonData"/>): a tensor's numbers are parsed once, with no document
/// and no copy of the element. A body may be what <c>JsonDocument</c> allows: strict JSON to a depth of 64, no property
/// named twice in any object, names that are valid UTF-16. A value of the wrong type for the protocol is refused with
/// its path, unless the JSON after it is broken, which is refused as such.
/// </summary>
internal static class InferRequestJson
{
    /// <summary>The request, or why it cannot be read.</summary>
    public static string? Read(ReadOnlySpan<byte> json, out InferRequest? request)
    {
        request = null;
        var reader = new Utf8JsonReader(json);
        var state = new State();
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var kind = reader.TokenType;
                Skip(ref reader);
                End(ref reader);
                return $"The request must be a JSON object, not {Describe(kind)}.";
            }

            var read = Request(ref reader, state);
            End(ref reader);
            if (state.WrongAt is { } path)
            {
                return $"The request does not follow the protocol at {path}: a value of the wrong JSON type, a number out of range, or an invalid string.";
            }

            request = read;
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a property name holding an escaped lone surrogate (\ud800).
            return $"The request is not valid JSON: {e.Message}";
        }
    }

    /// <summary>The first value found of the wrong JSON type; reading goes on, since broken JSON after it says more.</summary>
    private sealed class State
    {
        public string? WrongAt { get; private set; }

        public void Wrong(string path) => WrongAt ??= path;
    }

    private static InferRequest Request(ref Utf8JsonReader reader, State state)
    {
        string? id = null;
        List<RequestInput?>? inputs = null;
        List<RequestOutput?>? outputs = null;
        RequestParameters? parameters = null;
        HashSet<string>? seen = null;
        while (NextMember(ref reader, ref seen, out var name))
        {
            switch (name)
            {
                case "id":
                    id = String(ref reader, "$.id", state);
                    break;
                case "inputs":
                    inputs = List(ref reader, "$.inputs", state, static (ref r, p, s) => ObjectOrNull(ref r, p, s, Input));
                    break;
                case "outputs":
                    outputs = List(ref reader, "$.outputs", state, static (ref r, p, s) => ObjectOrNull(ref r, p, s, Output));
                    break;
                case "parameters":
                    parameters = Object(ref reader, "$.parameters", state, RequestParameters);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        return new InferRequest(id, inputs, outputs, parameters);
    }

    private static RequestInput Input(ref Utf8JsonReader reader, string path, State state)
    {
        string? name = null, datatype = null;
        List<long>? shape = null;
        InputParameters? parameters = null;
        JsonData? data = null;
        HashSet<string>? seen = null;
        while (NextMember(ref reader, ref seen, out var member))
        {
            switch (member)
            {
                case "name":
                    name = String(ref reader, path + ".name", state);
                    break;
                case "shape":
                    shape = List(ref reader, path + ".shape", state, Dimension);
                    break;
                case "datatype":
                    datatype = String(ref reader, path + ".datatype", state);
                    break;
                case "parameters":
                    parameters = Object(ref reader, path + ".parameters", state, InputParameters);
                    break;
                case "data":
                    reader.Read();
                    data = reader.TokenType == JsonTokenType.Null ? null : JsonData.Read(ref reader);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        return new RequestInput(name, shape, datatype, parameters, data);
    }

    private static RequestOutput Output(ref Utf8JsonReader reader, string path, State state)
    {
        string? name = null;
        OutputParameters? parameters = null;
        HashSet<string>? seen = null;
        while (NextMember(ref reader, ref seen, out var member))
        {
            switch (member)
            {
                case "name":
                    name = String(ref reader, path + ".name", state);
                    break;
                case "parameters":
                    parameters = Object(ref reader, path + ".parameters", state, OutputParameters);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        return new RequestOutput(name, parameters);
    }

    private static RequestParameters RequestParameters(ref Utf8JsonReader reader, string path, State state) =>
        new(Member(ref reader, "binary_data_output", path, state, Bool));

    private static InputParameters InputParameters(ref Utf8JsonReader reader, string path, State state) =>
        new(Member(ref reader, "binary_data_size", path, state, static (ref r, p, s) =>
        {
            r.Read();
            return r.TokenType == JsonTokenType.Null ? null : Integer(ref r, p, s);
        }));

    private static OutputParameters OutputParameters(ref Utf8JsonReader reader, string path, State state) =>
        new(Member(ref reader, "binary_data", path, state, Bool));

    /// <summary>
    /// The one member named <paramref name="name"/> of the object the reader is on, read by <paramref name="read"/> (the
    /// reader on its name); the others are skipped.
    /// </summary>
    private static T? Member<T>(ref Utf8JsonReader reader, string name, string path, State state, ReadValue<T> read)
    {
        T? value = default;
        HashSet<string>? seen = null;
        while (NextMember(ref reader, ref seen, out var member))
        {
            if (member == name)
            {
                value = read(ref reader, $"{path}.{name}", state);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return value;
    }

    private delegate T ReadValue<out T>(ref Utf8JsonReader reader, string path, State state);

    /// <summary>The object the next value is, read by <paramref name="read"/>; null for null or a value of another type.</summary>
    private static T? Object<T>(ref Utf8JsonReader reader, string path, State state, ReadValue<T> read)
        where T : class
    {
        reader.Read();
        return ObjectOrNull(ref reader, path, state, read);
    }

    /// <summary>The object the reader is on, read by <paramref name="read"/> (on its start); null for null or a value of another type.</summary>
    private static T? ObjectOrNull<T>(ref Utf8JsonReader reader, string path, State state, ReadValue<T> read)
        where T : class =>
        reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.StartObject => read(ref reader, path, state),
            _ => Wrong<T>(ref reader, path, state),
        };

    /// <summary>The array the next value is, each element read by <paramref name="read"/> (on it); null for null or a value of another type.</summary>
    private static List<T>? List<T>(ref Utf8JsonReader reader, string path, State state, ReadValue<T> read)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return reader.TokenType == JsonTokenType.Null ? null : Wrong<List<T>>(ref reader, path, state);
        }

        List<T> values = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(read(ref reader, $"{path}[{values.Count}]", state));
        }

        return values;
    }

    /// <summary>A shape's dimension (the reader on it): a whole number that fits a long.</summary>
    private static long Dimension(ref Utf8JsonReader reader, string path, State state) => Integer(ref reader, path, state) ?? 0;

    private static long? Integer(ref Utf8JsonReader reader, string path, State state) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : Wrong<long?>(ref reader, path, state);

    private static string? String(ref Utf8JsonReader reader, string path, State state)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            try
            {
                return reader.GetString();
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate: not a string .NET can hold.
            }
        }

        return reader.TokenType == JsonTokenType.Null ? null : Wrong<string>(ref reader, path, state);
    }

    private static bool? Bool(ref Utf8JsonReader reader, string path, State state)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Null => null,
            _ => Wrong<bool?>(ref reader, path, state),
        };
    }

    /// <summary>Notes the value the reader is on as of the wrong type and skips it.</summary>
    private static T Wrong<T>(ref Utf8JsonReader reader, string path, State state)
    {
        state.Wrong(path);
        Skip(ref reader);
        return default!;
    }

    /// <summary>
    /// Moves to the next name of the object the reader is in, for the caller to read or skip its value; false at the
    /// object's end. A name given twice (<paramref name="seen"/> holds the object's names so far), or one that is not
    /// valid UTF-16, ends the reading as invalid JSON.
    /// </summary>
    public static bool NextMember(ref Utf8JsonReader reader, ref HashSet<string>? seen, out string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }

        name = reader.GetString()!;
        if (!(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(name))
        {
            throw new JsonException($"Duplicate property '{name}' in an object.");
        }

        return true;
    }

    /// <summary>Skips the value of the name the reader is on.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        Skip(ref reader);
    }

    /// <summary>Skips the value the reader is on, checking the names of every object in it.</summary>
    public static void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            HashSet<string>? seen = null;
            while (NextMember(ref reader, ref seen, out _))
            {
                SkipValue(ref reader);
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Skip(ref reader);
            }
        }
    }

    /// <summary>Checks that nothing but white space follows the request's value: the reader throws on anything else.</summary>
    private static void End(ref Utf8JsonReader reader) => reader.Read();

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.Null => "null",
        JsonTokenType.True => "true",
        _ => "false",
    };
}
