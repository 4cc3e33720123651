using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Scaling;
using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Session;
using Orleans.Serialization.WireProtocol;

namespace Argus.Abstractions.Tests;

/// <summary>The wire contracts survive Orleans' serializer, typed errors included.</summary>
public sealed class SerializationTests
{
    private readonly IServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private readonly Serializer _serializer;

    public SerializationTests() => _serializer = _services.GetRequiredService<Serializer>();

    private delegate void Fields(ref Writer<ArrayBufferWriter<byte>> writer);

    private T RoundTrip<T>(T value) => _serializer.Deserialize<T>(_serializer.SerializeToArray(value))!;

    [Fact]
    public void A_request_with_an_image_and_a_tensor_round_trips()
    {
        var request = new InferenceRequest("resnet18", [InferenceInput.FromImage([1, 2, 3]), InferenceInput.FromTensor([0.5f, 1.5f])],
            Lane.Realtime, new DateTime(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc), OutputKind.Raw);

        var copy = RoundTrip(request);

        Assert.Equal(request.Model, copy.Model);
        Assert.Equal(request.Lane, copy.Lane);
        Assert.Equal(request.Deadline, copy.Deadline);
        Assert.Equal(OutputKind.Raw, copy.Output);
        Assert.Equal([1, 2, 3], copy.Inputs[0].Image);
        Assert.Equal([0.5f, 1.5f], copy.Inputs[1].Tensor!);
    }

    [Fact]
    public void A_response_with_results_and_an_error_round_trips()
    {
        var response = new InferenceResponse("text-direction", "2.0", "silo-0/cpu0", "cpu",
        [
            new ItemResult { Classes = [new ClassScore(0, "0", 0.9f)], QueueMs = 1.5, ComputeMs = 4, BatchSize = 2 },
            ItemResult.Failed(new InferenceError(ErrorKind.Overloaded, "full", 250)),
        ]);

        var copy = RoundTrip(response);

        Assert.Equal("cpu", copy.DeviceKind);
        Assert.Equal("0", copy.Items[0].Classes![0].Label);
        Assert.Equal(2, copy.Items[0].BatchSize);
        Assert.Equal(new InferenceError(ErrorKind.Overloaded, "full", 250), copy.Items[1].Error);
        Assert.True(copy.Items[1].Error!.IsRetryable);
    }

    [Fact]
    public void Detections_round_trip_and_none_stays_an_empty_list()
    {
        var detection = new Detection(0.93f, 10.5f, 20, 120, 18.25f,
            [new ImagePoint(10.5f, 20), new ImagePoint(130.5f, 20), new ImagePoint(130.5f, 38.25f), new ImagePoint(10.5f, 38.25f)]);
        var response = new InferenceResponse("text-detection", "4", "silo-0/cpu0", "cpu",
            [new ItemResult { Detections = [detection], ComputeMs = 80 }, new ItemResult { Detections = [] }]);

        var copy = RoundTrip(response);

        var d = Assert.Single(copy.Items[0].Detections!);
        Assert.Equal(detection with { Polygon = d.Polygon }, d);
        Assert.Equal(detection.Polygon, d.Polygon);
        Assert.Empty(copy.Items[1].Detections!);
    }

    [Fact]
    public void Typed_exceptions_keep_their_type_and_data()
    {
        var overloaded = RoundTrip<Exception>(new OverloadedException("busy", TimeSpan.FromSeconds(2)));
        var unknown = RoundTrip<Exception>(new UnknownModelException("nope"));

        Assert.Equal(TimeSpan.FromSeconds(2), Assert.IsType<OverloadedException>(overloaded).RetryAfter);
        Assert.Equal("busy", overloaded.Message);
        Assert.Equal("nope", Assert.IsType<UnknownModelException>(unknown).Model);
    }

    [Fact]
    public void The_camera_contracts_round_trip()
    {
        var at = new DateTime(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
        var config = new CameraConfig
        {
            Source = "/data/gate.avi",
            Models = ["resnet18", "text-detection"],
            TargetFps = 2.5,
            Loop = true,
            Lane = Lane.Interactive,
            Rules = [new AlertRule("text", AlertRuleKind.Detection, "text-detection", 0.7, 3, 5)],
        };
        var stats = new CameraStats("gate", 10, 4, 3, 2, 1, 40, 80, 90, 2.4, 2.5, 1, "silo-0", at);
        var alert = new Alert("gate", "text", AlertRuleKind.Detection, at, at.AddMilliseconds(60), "found", 0.9,
            [new Detection(0.9f, 1, 2, 3, 4, [new ImagePoint(1, 2)])], 7);

        var configCopy = RoundTrip(config);
        Assert.Equal((config.Source, config.TargetFps, config.Loop, config.Lane), (configCopy.Source, configCopy.TargetFps, configCopy.Loop, configCopy.Lane));
        Assert.Equal(config.Models, configCopy.Models);
        Assert.Equal(config.Rules, configCopy.Rules);
        Assert.Equal(stats, RoundTrip(stats));
        var alertCopy = RoundTrip(alert);
        Assert.Equal((alert.Sequence, alert.CapturedAt, alert.Kind, alert.Score), (alertCopy.Sequence, alertCopy.CapturedAt, alertCopy.Kind, alertCopy.Score));
        Assert.Equal(new ImagePoint(1, 2), alertCopy.Detections.Single().Polygon.Single());
        Assert.Equal([9, 8], RoundTrip(new Frame([9, 8], at)).Image);
    }

    [Fact]
    public void The_autoscalers_decision_and_a_draining_devices_load_survive_the_wire()
    {
        var status = new AutoscaleStatus(3, 2, 1, 10, 4, 1, 12, 30, 28.5, 8, "scaling up from 2 to 3", DateTimeOffset.UnixEpoch);
        var load = new DeviceLoad("a/sim0", "a", [new ServedModel("resnet18", "2", 3.1, IsDefault: false)], 5, 12.5, InFlight: 7, Draining: true);

        Assert.Equal(status, RoundTrip(status));
        var copy = RoundTrip(load);
        Assert.Equal((7, true, 5), (copy.InFlight, copy.Draining, copy.QueueDepth));
    }

    [Fact]
    public void A_tensor_crosses_as_one_block_bit_for_bit_and_an_input_sent_twice_stays_one()
    {
        var random = new Random(18);
        var tensor = new float[3 * 48 * 192];
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor[i] = random.NextSingle() * 2 - 1;
        }

        tensor[1] = float.NaN;
        tensor[2] = -0f;
        var both = new InferenceInput { Image = [1, 2, 3], Tensor = tensor };

        var bytes = _serializer.SerializeToArray<IReadOnlyList<InferenceInput>>([both, both]);
        var copy = _serializer.Deserialize<IReadOnlyList<InferenceInput>>(bytes)!;

        Assert.Equal([1, 2, 3], copy[0].Image);
        Assert.Equal(tensor.Select(BitConverter.SingleToInt32Bits), copy[0].Tensor!.Select(BitConverter.SingleToInt32Bits));
        Assert.Same(copy[0], copy[1]);

        // A block: the tensor's bytes and little more, where a field per value would add at least one byte to each.
        Assert.InRange(bytes.Length, tensor.Length * sizeof(float), (tensor.Length * sizeof(float)) + 100);
    }

    [Fact]
    public void A_tensor_sent_value_by_value_by_an_older_client_is_still_read()
    {
        var perValue = new ArrayCodec<float>(new FloatCodec());

        var input = Read((ref Writer<ArrayBufferWriter<byte>> writer) =>
        {
            ByteArrayCodec.WriteField(ref writer, 0, [7, 8]);
            perValue.WriteField(ref writer, 1, typeof(float[]), [0.5f, -1.5f, 3]);
        });

        Assert.Equal([7, 8], input.Image);
        Assert.Equal([0.5f, -1.5f, 3], input.Tensor!);
    }

    [Fact]
    public void A_tensor_block_that_is_not_whole_floats_or_claims_more_than_the_message_holds_is_refused()
    {
        var ragged = Assert.ThrowsAny<Exception>(() => Read((ref Writer<ArrayBufferWriter<byte>> writer) => Block(ref writer, 6, 6)));
        Assert.Contains("not a whole number of floats", ragged.Message);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.ThrowsAny<Exception>(() => Read((ref Writer<ArrayBufferWriter<byte>> writer) => Block(ref writer, 1u << 30, 8)));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, 1 << 20);

        static void Block(ref Writer<ArrayBufferWriter<byte>> writer, uint claimed, int sent)
        {
            writer.WriteFieldHeaderExpected(2, WireType.LengthPrefixed);
            writer.WriteVarUInt32(claimed);
            writer.Write(new byte[sent]);
        }
    }

    [Fact]
    public void Mutated_inputs_are_read_or_refused_in_memory_that_follows_their_length()
    {
        var perValue = new ArrayCodec<float>(new FloatCodec());
        byte[][] seeds =
        [
            _serializer.SerializeToArray(new InferenceInput { Image = [1, 2, 3, 4, 5], Tensor = [0.5f, -1, 2, 3, 4, 5] }),
            _serializer.SerializeToArray(InferenceInput.FromTensor([.. Enumerable.Range(0, 300).Select(i => i / 7f)])),
            _serializer.SerializeToArray(InferenceInput.FromImage([.. Enumerable.Range(0, 200).Select(i => (byte)i)])),
            Message((ref Writer<ArrayBufferWriter<byte>> writer) => perValue.WriteField(ref writer, 1, typeof(float[]), [1f, 2, 3])),
        ];
        var random = new Random(20261207);
        var read = 0;
        for (var i = 0; i < 5000; i++)
        {
            var message = Mutate(random, seeds[random.Next(seeds.Length)]);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var input = _serializer.Deserialize<InferenceInput>(message)!;
                // At least a byte of the message per value: none is made up (the per-value member may write a float in one).
                Assert.InRange((input.Tensor?.Length ?? 0) + (input.Image?.Length ?? 0), 0, message.Length);
                read++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                // Refused: Orleans fails the call that carried it.
            }

            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, (64 << 10) + (64L * message.Length));
        }

        // The mutations neither broke every message nor left them all intact.
        Assert.InRange(read, 50, 4950);
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        List<byte> bytes = [.. seed];
        for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.InsertRange(at, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }[..random.Next(1, 5)]);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>An <see cref="InferenceInput"/> read from a message whose members <paramref name="fields"/> writes by hand.</summary>
    private InferenceInput Read(Fields fields) => _serializer.Deserialize<InferenceInput>(Message(fields))!;

    /// <summary>A message holding one <see cref="InferenceInput"/> whose members <paramref name="fields"/> writes by hand.</summary>
    private byte[] Message(Fields fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var session = _services.GetRequiredService<SerializerSessionPool>().GetSession())
        {
            var writer = Writer.Create(buffer, session);
            writer.WriteFieldHeader(0, typeof(InferenceInput), typeof(InferenceInput), WireType.TagDelimited);
            fields(ref writer);
            writer.WriteEndObject();
            writer.Commit();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
