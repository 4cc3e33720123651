using System.Text;
using System.Text.Json.Nodes;
using Argus.Silo.Http.OpenInference;
using Argus.Testing.Fuzzing;
using static Argus.Silo.Tests.Http.OpenInference.Requests;

namespace Argus.Silo.Tests.Http.OpenInference;

/// <summary>
/// Thousands of bodies mutated from valid ones (byte flips, truncation, inserted tokens, JSON values of other types,
/// random numbers in shapes and binary sizes, wrong header lengths), seeded so that a failure repeats: each is answered
/// with a valid request or a list of problems, never an exception. And the bodies of <c>Fuzzing/Corpus/v2-json</c> (a
/// file is the body, or the Inference-Header-Content-Length, a newline and the body) mutated by CsCheck: the same answer,
/// in memory that follows the body's length, whatever sizes its shapes and binary parts declare.
/// </summary>
public sealed class InferRequestFuzzTests
{
    private const int Bodies = 6000;

    private static readonly (string Json, byte[] Binary)[] Seeds =
    [
        (Fp32, []),
        ("""{"inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","data":[[[1.5,-2],[3e-3,4]]]}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""", []),
        (Images, []),
        ("""{"id":"b","inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","parameters":{"binary_data_size":16}}],"parameters":{"binary_data_output":true}}""",
            [.. new[] { 1f, 2, 3, 4 }.SelectMany(BitConverter.GetBytes)]),
        ("""{"inputs":[{"name":"x","shape":[2,1],"datatype":"BYTES","parameters":{"binary_data_size":13}}],"outputs":[{"name":"y"}]}""",
            [3, 0, 0, 0, 1, 2, 3, 2, 0, 0, 0, 4, 5]),
    ];

    private static readonly string[] Tokens =
    [
        "null", "true", "[", "]", "{", "}", ",", ":", "\"", "\\", "\\ud800", "\\u0000", "1e400", "-1", "0.5", "\"shape\":[1]", "\"name\":\"x\",",
        "\"inputs\":[],", "\"data\":null,", "[[[[", "\uFFFF", "é", "\"binary_data_size\":-1,",
    ];

    private const string Parser = "v2-json";

    private static readonly byte[][] CorpusTokens =
    [
        .. Tokens.Select(Encoding.UTF8.GetBytes),
        .. new[] { "1099511627776", "4294967296", "2147483647", "9223372036854775807", "99999999999999999999", "\"binary_data_size\":4294967295," }
            .Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly long[] Numbers = [0, 1, 2, 3, -1, -2, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 32, long.MaxValue, long.MinValue, 536870912];

    [Fact]
    public void Mutated_bodies_are_answered_with_a_request_or_problems()
    {
        var random = new Random(20261206);
        var (valid, invalid) = (0, 0);
        for (var i = 0; i < Bodies; i++)
        {
            var (body, header) = Mutate(random, Seeds[random.Next(Seeds.Length)]);
            InferRequestCheck check;
            try
            {
                check = InferRequestReader.Read(body, header, Model);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Body {i} (base64 {Convert.ToBase64String(body)}, header '{header}') threw: {e}");
            }

            if (check is ValidInferRequest request)
            {
                valid++;
                Assert.NotEmpty(request.Inputs);
                Assert.All(request.Inputs, item => Assert.True(item.Tensor?.Length == Model.Input.ItemLength || item.Image is not null));
            }
            else
            {
                invalid++;
                Assert.NotEmpty(Problems(check));
                Assert.All(Problems(check), p => Assert.False(string.IsNullOrWhiteSpace(p)));
            }
        }

        // Both answers were reached often: the mutations neither broke every body nor left them all intact.
        Assert.InRange(valid, Bodies / 50, Bodies / 2);
        Assert.InRange(invalid, Bodies / 2, Bodies);
    }

    [Fact]
    public void The_corpus_and_every_kept_crasher_are_answered_with_a_request_or_problems() => Fuzz.Replay(Parser, ReadBounded);

    [Fact]
    public void Mutated_corpus_bodies_are_answered_in_memory_that_follows_their_length() =>
        Fuzz.Run(Parser, Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], CorpusTokens), ReadBounded, file => file);

    private static void ReadBounded(byte[] file)
    {
        var newline = file.AsSpan().IndexOf((byte)'\n');
        var (header, body) = file.Length > 0 && file[0] != (byte)'{' && newline >= 0
            ? (Encoding.Latin1.GetString(file, 0, newline), file.AsMemory(newline + 1))
            : (null, file.AsMemory());

        // The JSON DOM and the tensors read from it: a small multiple of the body, never of a declared shape or size.
        var check = Fuzz.Bounded((256 << 10) + 64L * file.Length, () => InferRequestReader.Read(body, header, Model));
        if (check is InvalidInferRequest invalid)
        {
            Assert.NotEmpty(invalid.Problems);
            Assert.All(invalid.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
        }
    }

    private static (byte[] Body, string? Header) Mutate(Random random, (string Json, byte[] Binary) seed)
    {
        var json = seed.Json;
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && random.Next(3) > 0; m++)
        {
            json = MutateValue(random, json);
        }

        var jsonBytes = Encoding.UTF8.GetBytes(json);
        var header = seed.Binary.Length > 0 || random.Next(10) == 0 ? jsonBytes.Length.ToString() : null;
        var body = jsonBytes.Concat(seed.Binary).ToList();
        for (var m = random.Next(0, 3); m > 0; m--)
        {
            MutateBytes(random, body);
        }

        if (random.Next(8) == 0)
        {
            header = random.Next(5) switch
            {
                0 => (jsonBytes.Length + random.Next(-3, 4)).ToString(),
                1 => (-random.Next(1, 100)).ToString(),
                2 => "x" + jsonBytes.Length,
                3 => long.MaxValue.ToString(),
                _ => "",
            };
        }

        return ([.. body], header);
    }

    /// <summary>Replaces one JSON value (or one shape dimension) with a value of another type or a number from the edges.</summary>
    private static string MutateValue(Random random, string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            root = null;
        }

        if (root is null)
        {
            return json; // an earlier mutation left no JSON value to change; the byte mutations still apply
        }

        List<JsonNode> nodes = [];
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var shapes = nodes.OfType<JsonArray>().Where(a => a.Parent is JsonObject && a.GetPropertyName() == "shape" && a.Count > 0).ToList();
        if (shapes.Count > 0 && random.Next(3) == 0)
        {
            var shape = shapes[random.Next(shapes.Count)];
            shape[random.Next(shape.Count)] = random.Next(4) == 0 ? JsonValue.Create(random.NextDouble() * 10) : Numbers[random.Next(Numbers.Length)];
            return root.ToJsonString();
        }

        if (target.Parent is null)
        {
            return random.Next(2) == 0 ? "[]" : "null";
        }

        var replacement = Value(random, nodes);
        if (target.Parent is JsonObject parent)
        {
            parent[target.GetPropertyName()] = replacement;
        }
        else
        {
            ((JsonArray)target.Parent)[target.GetElementIndex()] = replacement;
        }

        return root.ToJsonString();
    }

    private static JsonNode? Value(Random random, List<JsonNode> nodes) => random.Next(10) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(Numbers[random.Next(Numbers.Length)]),
        3 => JsonValue.Create(random.NextDouble() * 1e6),
        4 => JsonValue.Create(new[] { "x", "y", "FP32", "BYTES", "INT8", "", "AQID", "%%%", "batch" }[random.Next(9)]),
        5 => new JsonArray(),
        6 => new JsonObject(),
        7 => new JsonArray(JsonValue.Create(1), new JsonArray(JsonValue.Create(2)), null),
        _ => nodes[random.Next(nodes.Count)].DeepClone(),
    };

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            Collect(child, nodes);
        }
    }

    private static void MutateBytes(Random random, List<byte> body)
    {
        if (body.Count == 0)
        {
            return;
        }

        var at = random.Next(body.Count);
        switch (random.Next(4))
        {
            case 0:
                body[at] = (byte)random.Next(256);
                break;
            case 1:
                body.RemoveRange(at, body.Count - at);
                break;
            case 2:
                body.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                break;
            default:
                body.RemoveRange(at, Math.Min(random.Next(1, 8), body.Count - at));
                break;
        }
    }
}
