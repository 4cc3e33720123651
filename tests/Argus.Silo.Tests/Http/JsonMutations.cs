using System.Text;
using System.Text.Json.Nodes;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// Seeded mutations of a JSON body, as a careless or hostile client would send it: a value of another JSON type or out
/// of range, a field renamed, repeated, added or removed, a lone surrogate, deep nesting, and byte-level damage.
/// </summary>
internal static class JsonMutations
{
    private const string Surrogate = "@@surrogate@@";
    private const string Repeat = "@@repeat@@";
    private const string Deep = "@@deep@@";

    private const string Punctuation = "{}[],:\"\\ 0";

    /// <summary>Values put in place of a field's or an item's value (as JSON text, or a marker replaced after writing).</summary>
    private static readonly string[] Values =
    [
        "null", "\"\"", "\" \"", "\"x\"", "0", "-1", "1.5", "1e400", "-2147483649", "99999999999999999999999", "true", "false",
        "[]", "[null]", "[1, \"a\"]", "{}", "{\"a\": 1}", "\"NaN\"", "\"Infinity\"", "\"-1\"", "\"\\u0000\"", "\"push\"",
        "\"/tmp\"", "\"resnet18\"", "\"detection\"", "\"realtime\"", "\"" + new string('x', 300) + "\"",
        $"\"{Surrogate}\"", $"\"{Deep}\"",
    ];

    /// <summary>One to three mutations of <paramref name="original"/>, a JSON object.</summary>
    public static byte[] Mutate(byte[] original, Random random)
    {
        var text = Encoding.UTF8.GetString(original);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            text = random.Next(4) == 0 ? MutateBytes(text, random) : MutateTree(text, random);
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static string MutateTree(string text, Random random)
    {
        JsonNode? root;
        List<JsonNode> containers = [];
        try
        {
            root = JsonNode.Parse(text);
            if (root is not null)
            {
                Collect(root, containers);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return MutateBytes(text, random); // already broken (bad JSON, a repeated field, a lone surrogate): damage it further
        }

        if (root is null)
        {
            return text;
        }

        var container = containers[random.Next(containers.Count)];
        var value = JsonNode.Parse(Values[random.Next(Values.Length)]);
        if (container is JsonObject obj)
        {
            var names = obj.Select(p => p.Key).ToArray();
            var name = names.Length == 0 ? "x" : names[random.Next(names.Length)];
            switch (random.Next(6))
            {
                case 0 or 1:
                    obj[name] = value;
                    break;
                case 2 when obj.ContainsKey(name):
                    var kept = obj[name];
                    obj.Remove(name);
                    obj[Rename(name, random)] = kept;
                    break;
                case 3:
                    obj[Repeat + name] = value;
                    break;
                case 4:
                    obj.Remove(name);
                    break;
                default:
                    obj["unknown_" + random.Next(100)] = value;
                    break;
            }
        }
        else if (container is JsonArray array)
        {
            if (array.Count == 0 || random.Next(3) == 0)
            {
                array.Add(value);
            }
            else
            {
                array[random.Next(array.Count)] = value;
            }
        }

        string written;
        try
        {
            written = root.ToJsonString();
        }
        catch (InvalidOperationException)
        {
            return MutateBytes(text, random); // a lone surrogate read from the text cannot be written back
        }

        return written
            .Replace(Surrogate, "\\ud800", StringComparison.Ordinal)
            .Replace(Repeat, "", StringComparison.Ordinal)
            .Replace($"\"{Deep}\"", new string('[', 200) + new string(']', 200), StringComparison.Ordinal);
    }

    private static void Collect(JsonNode node, List<JsonNode> containers)
    {
        if (node is JsonObject obj)
        {
            containers.Add(obj);
            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    Collect(child, containers);
                }
            }
        }
        else if (node is JsonArray array)
        {
            containers.Add(array);
            foreach (var child in array)
            {
                if (child is not null)
                {
                    Collect(child, containers);
                }
            }
        }
    }

    /// <summary>A name as a client misspells it: another case, a '_' dropped or added, a letter lost, a surrogate.</summary>
    private static string Rename(string name, Random random) => random.Next(5) switch
    {
        0 => name.ToUpperInvariant(),
        1 => name.Replace("_", "", StringComparison.Ordinal),
        2 => name + "_",
        3 => name.Length > 1 ? name.Remove(random.Next(name.Length), 1) : name + "x",
        _ => name + Surrogate,
    };

    private static string MutateBytes(string text, Random random)
    {
        if (text.Length == 0)
        {
            return "{";
        }

        var at = random.Next(text.Length);
        return random.Next(4) switch
        {
            0 => text[..at],
            1 => text.Remove(at, Math.Min(random.Next(1, 6), text.Length - at)),
            2 => text.Insert(at, Punctuation[random.Next(Punctuation.Length)].ToString()),
            _ => text.Insert(at, "\\ud800"),
        };
    }
}
