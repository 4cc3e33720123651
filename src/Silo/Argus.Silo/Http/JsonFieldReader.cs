using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Argus.Silo.Http;

/// <summary>
/// Reads a JSON body into a contract type and lists every problem on the way, where a plain deserializer stops at the
/// first: a field it does not know (a misspelt one is named with the field it resembles), one given twice, a value of
/// the wrong JSON type, text that is not valid UTF-16 (a lone surrogate). The fields that fit are bound, so that the
/// type's own validation can list its problems beside these. Walks the serializer's own metadata, so names, naming
/// policy and converters are the API's.
/// </summary>
internal static class JsonFieldReader
{
    /// <summary>The most characters of a number quoted in a problem.</summary>
    private const int QuoteLength = 40;

    private static readonly IReadOnlyDictionary<string, JsonElement> Empty = new Dictionary<string, JsonElement>();

    /// <summary>
    /// What was read: the value (its faulty fields left at their defaults), every problem found, and the top-level
    /// fields the caller reads itself; the value is null when the body is no JSON object.
    /// </summary>
    internal sealed record Read<T>(T? Value, IReadOnlyList<string> Problems, IReadOnlyDictionary<string, JsonElement> Others);

    /// <summary>
    /// Parses <paramref name="body"/> as one JSON object and binds it to <typeparamref name="T"/>; the top-level fields
    /// named in <paramref name="others"/> are left for the caller (in <see cref="Read{T}.Others"/>).
    /// </summary>
    public static Read<T> ReadObject<T>(ReadOnlyMemory<byte> body, JsonSerializerOptions options, params IReadOnlyList<string> others)
        where T : class
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return new Read<T>(null, [$"The body is not valid JSON: {e.Message}"], Empty);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Read<T>(null, [$"The body must be a JSON object, not {Kind(root)}."], Empty);
        }

        List<string> problems = [];
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var bound = BindObject(root, options.GetTypeInfo(typeof(T)), options, "", problems, (others, found));
        try
        {
            return new Read<T>(bound.Deserialize<T>(options), problems, found);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            // Every field was checked alone: this is a combination the walk above does not foresee. Still the caller's body.
            return new Read<T>(null, [.. problems, $"The body does not fit: {e.Message}"], found);
        }
    }

    /// <summary>A top-level string field the type does not hold (e.g. a job's <c>id</c>), or a problem; null when absent or null.</summary>
    public static string? ReadString<T>(Read<T> read, string name, List<string> problems)
    {
        if (!read.Others.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{name}: expected a string, not {Kind(value)}.");
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{name}: the string is not valid UTF-16 (it holds a lone surrogate).");
            return null;
        }
    }

    /// <summary>
    /// The parts of <paramref name="element"/> that fit <paramref name="type"/>, as a node; each part that does not adds a
    /// problem and is left out. False when nothing of it fits.
    /// </summary>
    private static bool TryBind(
        JsonElement element, Type type, JsonSerializerOptions options, string path, List<string> problems, out JsonNode? bound)
    {
        bound = null;
        var info = options.GetTypeInfo(type);
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (type.IsValueType && Nullable.GetUnderlyingType(type) is null)
            {
                problems.Add($"{Name(path)}: expected {Expected(type)}, not null.");
                return false;
            }

            return true; // a null where the type wants an object or a list is left to the type's validation, which names the field
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when info.Properties.Count > 0:
                if (element.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{Name(path)}: expected an object, not {Kind(element)}.");
                    return false;
                }

                bound = BindObject(element, info, options, path, problems, ([], null));
                return true;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } itemType:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{Name(path)}: expected a list, not {Kind(element)}.");
                    return false;
                }

                var items = new JsonArray();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (TryBind(item, itemType, options, $"{path}[{index++}]", problems, out var node))
                    {
                        items.Add(node);
                    }
                }

                bound = items;
                return true;
            case JsonTypeInfoKind.Dictionary when info.KeyType == typeof(string) && info.ElementType is { } valueType:
                if (element.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{Name(path)}: expected an object, not {Kind(element)}.");
                    return false;
                }

                // Each value alone, so a wrong one is named by its key and the others still bind.
                var entries = new JsonObject();
                foreach (var entry in element.EnumerateObject())
                {
                    string key;
                    try
                    {
                        key = entry.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        problems.Add($"{Name(path)}: a key is not valid UTF-16 (it holds a lone surrogate).");
                        continue;
                    }

                    if (TryBind(entry.Value, valueType, options, $"{path}.{key}", problems, out var node))
                    {
                        entries[key] = node;
                    }
                }

                bound = entries;
                return true;
            default:
                return TryBindValue(element, type, options, path, problems, out bound);
        }
    }

    private static JsonObject BindObject(
        JsonElement element, JsonTypeInfo info, JsonSerializerOptions options, string path, List<string> problems,
        (IReadOnlyList<string> Names, Dictionary<string, JsonElement>? Found) others)
    {
        var comparer = options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var fields = new JsonObject();
        var seen = new HashSet<string>(comparer);
        foreach (var property in element.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                problems.Add($"{Name(path)}: a field's name is not valid UTF-16 (it holds a lone surrogate).");
                continue;
            }

            var at = path.Length == 0 ? name : $"{path}.{name}";
            if (!seen.Add(name))
            {
                problems.Add($"{at}: the field is given twice.");
                continue;
            }

            if (others.Names.FirstOrDefault(o => comparer.Equals(o, name)) is { } other)
            {
                others.Found![other] = property.Value;
                continue;
            }

            var field = info.Properties.FirstOrDefault(p => comparer.Equals(p.Name, name));
            if (field is null)
            {
                problems.Add($"{(path.Length == 0 ? "" : path + ": ")}unknown field '{name}'{Resembles(name, info)}.");
                continue;
            }

            if (TryBind(property.Value, field.PropertyType, options, at, problems, out var node))
            {
                fields[field.Name] = node;
            }
        }

        return fields;
    }

    private static bool TryBindValue(JsonElement element, Type type, JsonSerializerOptions options, string path, List<string> problems, out JsonNode? bound)
    {
        bound = null;
        try
        {
            JsonSerializer.Deserialize(element, type, options);
            bound = JsonNode.Parse(element.GetRawText());
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            problems.Add(element.ValueKind == JsonValueKind.String && !IsValidText(element)
                ? $"{Name(path)}: the string is not valid UTF-16 (it holds a lone surrogate)."
                : $"{Name(path)}: expected {Expected(type)}, not {Kind(element)}.");
            return false;
        }
    }

    private static bool IsValidText(JsonElement text)
    {
        try
        {
            text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>" (did you mean 'max_in_flight'?)" for a name that differs from a field's only in case, '_' or '-'.</summary>
    private static string Resembles(string name, JsonTypeInfo info)
    {
        static string Bare(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        var known = info.Properties.Select(p => p.Name).ToArray();
        return known.FirstOrDefault(k => Bare(k) == Bare(name)) is { } like
            ? $" (did you mean '{like}'?)"
            : $" (known: {string.Join(", ", known)})";
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => "a string",
            TypeCode.Boolean => "true or false",
            TypeCode.Int32 => "a whole number (32-bit)",
            TypeCode.Int64 => "a whole number (64-bit)",
            TypeCode.Double or TypeCode.Single => "a number",
            _ => $"a {type.Name}",
        };
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {Quote(element.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Quote(string text) => text.Length <= QuoteLength ? text : text[..QuoteLength] + "…";

    private static string Name(string path) => path.Length == 0 ? "The body" : path;
}
