using Argus.Silo.Grpc;
using Argus.Silo.Http.OpenInference;
using Argus.Testing.Fuzzing;
using Google.Protobuf;
using Inference;
using static Argus.Silo.Tests.Http.OpenInference.Requests;

namespace Argus.Silo.Tests.Grpc;

/// <summary>
/// Thousands of <c>ModelInferRequest</c>s mutated from valid ones, seeded so that a failure repeats: fields changed to
/// random values (shapes, datatypes, names, contents, raw contents), and serialized messages with bytes flipped or cut
/// that still parse. Each is answered with a valid request or a list of problems, never an exception. And the messages of
/// <c>Fuzzing/Corpus/v2-grpc</c> mutated as bytes by CsCheck: each is refused by protobuf's parser or read, in memory that
/// follows the message's length, whatever sizes its shapes declare.
/// </summary>
public sealed class GrpcInferRequestFuzzTests
{
    private const int Requests = 6000;

    private static readonly string[] Seeds =
    [
        """{"id":"a","inputs":[{"name":"x","datatype":"FP32","shape":[2,2,2],"contents":{"fp32Contents":[1,2,3,4,5,6,7,8]}}]}""",
        """{"inputs":[{"name":"x","datatype":"BYTES","shape":[2],"contents":{"bytesContents":["AQID","BAU="]}}],"outputs":[{"name":"y"}]}""",
        """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2,2]}],"rawInputContents":["AACAPwAAAEAAAEBAAACAQA=="]}""",
        """{"inputs":[{"name":"x","datatype":"BYTES","shape":[2,1]}],"rawInputContents":["AwAAAAECAwIAAAAEBQ=="]}""",
    ];

    private static readonly long[] Numbers = [0, 1, 2, 3, -1, -2, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, long.MaxValue, long.MinValue, 536870912];

    private static readonly string[] Texts = ["", "x", "y", "FP32", "BYTES", "INT8", "fp32", "\0", "é"];

    private const string Parser = "v2-grpc";

    // Varints a shape or a length may hold: 2^40, 2^32, -1 as an int64, 2^31 - 1; and the tags of shape and raw contents.
    private static readonly byte[][] Tokens =
    [
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x20], [0x80, 0x80, 0x80, 0x80, 0x10], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
        [0xFF, 0xFF, 0xFF, 0xFF, 0x07], [0x18], [0x1A], [0x3A], [0x2A], [0x32], [0x00],
    ];

    [Fact]
    public void The_corpus_and_every_kept_crasher_are_refused_or_read() => Fuzz.Replay(Parser, ParseAndRead);

    [Fact]
    public void Mutated_messages_are_refused_by_protobuf_or_read_in_bounded_memory() =>
        Fuzz.Run(Parser, Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], Tokens), ParseAndRead, message => message);

    [Fact]
    public void Mutated_requests_are_answered_with_a_request_or_problems()
    {
        var random = new Random(20261206);
        var seeds = Seeds.Select(ModelInferRequest.Parser.ParseJson).ToArray();
        var (valid, invalid, unparsed) = (0, 0, 0);
        for (var i = 0; i < Requests; i++)
        {
            var request = seeds[random.Next(seeds.Length)].Clone();
            for (var m = random.Next(1, 4); m > 0 && random.Next(3) > 0; m--)
            {
                Mutate(random, request);
            }

            if (random.Next(3) == 0)
            {
                if (Corrupt(random, request.ToByteArray()) is not { } corrupted)
                {
                    unparsed++; // refused by gRPC's reading, before Argus sees it
                    continue;
                }

                request = corrupted;
            }

            InferRequestCheck check;
            try
            {
                check = GrpcInferRequestReader.Read(request, Model);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Request {i} ({request}) threw: {e}");
            }

            if (check is ValidInferRequest ok)
            {
                valid++;
                Assert.NotEmpty(ok.Inputs);
                Assert.All(ok.Inputs, item => Assert.True(item.Tensor?.Length == Model.Input.ItemLength || item.Image is not null));
            }
            else
            {
                invalid++;
                Assert.All(Problems(check), p => Assert.False(string.IsNullOrWhiteSpace(p)));
            }
        }

        // Every kind of answer was reached often: the mutations neither broke every request nor left them all intact.
        Assert.InRange(valid, Requests / 50, Requests / 2);
        Assert.InRange(invalid, Requests / 4, Requests);
        Assert.InRange(unparsed, 1, Requests / 4);
    }

    /// <summary>The message with a byte flipped or its end cut off, when it still parses.</summary>
    private static ModelInferRequest? Corrupt(Random random, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        if (random.Next(2) == 0)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }
        else
        {
            bytes = bytes[..random.Next(bytes.Length)];
        }

        try
        {
            return ModelInferRequest.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static void ParseAndRead(byte[] message)
    {
        // The parsed message and the tensors read from it: a small multiple of the message, never of a declared shape.
        var check = Fuzz.Bounded((256 << 10) + 64L * message.Length, () =>
        {
            ModelInferRequest request;
            try
            {
                request = ModelInferRequest.Parser.ParseFrom(message);
            }
            catch (InvalidProtocolBufferException)
            {
                return null; // gRPC's reading refuses it as InvalidArgument before Argus sees it
            }

            return GrpcInferRequestReader.Read(request, Model);
        });
        if (check is InvalidInferRequest invalid)
        {
            Assert.NotEmpty(invalid.Problems);
            Assert.All(invalid.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
        }
    }

    private static void Mutate(Random random, ModelInferRequest request)
    {
        var input = request.Inputs.Count > 0 ? request.Inputs[random.Next(request.Inputs.Count)] : null;
        switch (random.Next(10))
        {
            case 0 when input is { Shape.Count: > 0 }:
                input.Shape[random.Next(input.Shape.Count)] = Numbers[random.Next(Numbers.Length)];
                break;
            case 1 when input is not null:
                if (random.Next(2) == 0) input.Shape.Add(Numbers[random.Next(Numbers.Length)]);
                else input.Shape.Clear();
                break;
            case 2 when input is not null:
                input.Datatype = Texts[random.Next(Texts.Length)];
                break;
            case 3 when input is not null:
                input.Name = Texts[random.Next(Texts.Length)];
                break;
            case 4 when input is not null:
                input.Contents = random.Next(2) == 0 ? null : new InferTensorContents { Fp32Contents = { float.NaN, 1, float.PositiveInfinity, 2 } };
                break;
            case 5 when input is not null:
                input.Contents ??= new();
                input.Contents.BytesContents.Add(ByteString.CopyFrom([.. Enumerable.Range(0, random.Next(6)).Select(_ => (byte)random.Next(256))]));
                break;
            case 6:
                request.RawInputContents.Add(ByteString.CopyFrom([.. Enumerable.Range(0, random.Next(20)).Select(_ => (byte)random.Next(256))]));
                break;
            case 7:
                request.RawInputContents.Clear();
                break;
            case 8:
                if (input is not null && random.Next(2) == 0) request.Inputs.Add(input.Clone());
                else request.Inputs.Clear();
                break;
            default:
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = Texts[random.Next(Texts.Length)] });
                break;
        }
    }
}
