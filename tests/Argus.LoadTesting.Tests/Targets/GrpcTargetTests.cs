using System.Buffers.Binary;
using Argus.LoadTesting.Targets;
using Google.Protobuf;
using Inference;

namespace Argus.LoadTesting.Tests.Targets;

/// <summary>
/// GrpcTarget's encoding of the Open Inference Protocol's binary contents; the calls themselves run against a real silo
/// in the serving benchmark (scripts/bench.sh), whose embedding check compares them with raw ONNX Runtime.
/// </summary>
public sealed class GrpcTargetTests
{
    [Fact]
    public void A_request_carries_the_images_as_one_BYTES_input_of_length_prefixed_elements_in_raw_contents()
    {
        byte[][] images = [[1, 2, 3], [], [9]];
        var buffer = new byte[GrpcTarget.RawLength(images) + 16]; // a rented buffer may be longer

        var request = GrpcTarget.Request("resnet18", "Input247", images, buffer);

        var input = Assert.Single(request.Inputs);
        Assert.Equal(("resnet18", "Input247", "BYTES"), (request.ModelName, input.Name, input.Datatype));
        Assert.Equal([3L], input.Shape);
        Assert.Null(input.Contents);
        Assert.Equal([3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 1, 0, 0, 0, 9], Assert.Single(request.RawInputContents).ToByteArray());
    }

    [Fact]
    public void An_answer_is_one_row_of_the_output_per_image_with_the_device_and_no_timings()
    {
        var response = Response([1.5f, -2, 3, 4, 5, 6.25f], outputs: 1);
        response.Parameters.Add("device", new InferParameter { StringParam = "silo-0/cpu0" });

        var answer = GrpcTarget.Answer(response, 2);

        Assert.Equal("silo-0/cpu0", answer.Device);
        Assert.Equal([[1.5f, -2, 3], [4, 5, 6.25f]], answer.Items.Select(i => i.Raw!));
        Assert.All(answer.Items, i => Assert.True(i.Error is null && double.IsNaN(i.QueueMs) && double.IsNaN(i.ComputeMs)));
    }

    [Theory]
    [InlineData(5, 1, 2)] // 5 floats are no 2 equal rows
    [InlineData(0, 1, 1)] // no values
    [InlineData(4, 2, 2)] // two outputs
    [InlineData(4, 1, 0)] // no images asked
    public void An_answer_that_is_not_one_output_of_equal_rows_is_refused(int floats, int outputs, int images)
    {
        var response = Response([.. Enumerable.Range(0, floats).Select(i => (float)i)], outputs);

        Assert.Throws<InvalidDataException>(() => GrpcTarget.Answer(response, images));
    }

    private static ModelInferResponse Response(float[] values, int outputs)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        var response = new ModelInferResponse { ModelName = "resnet18" };
        for (var i = 0; i < outputs; i++)
        {
            response.Outputs.Add(new ModelInferResponse.Types.InferOutputTensor { Name = $"out{i}", Datatype = "FP32" });
            response.RawOutputContents.Add(ByteString.CopyFrom(raw));
        }

        return response;
    }
}
