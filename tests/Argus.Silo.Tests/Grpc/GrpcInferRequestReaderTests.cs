using Argus.Silo.Grpc;
using Argus.Silo.Tests.Http.OpenInference;
using Google.Protobuf;
using Inference;
using static Argus.Silo.Tests.Http.OpenInference.Requests;

namespace Argus.Silo.Tests.Grpc;

/// <summary>A <c>ModelInferRequest</c> read as tensors and checked as HTTP's requests are, against <see cref="Requests.Model"/>.</summary>
public sealed class GrpcInferRequestReaderTests
{
    private static ModelInferRequest Parse(string json) => ModelInferRequest.Parser.ParseJson(json);

    private static ByteString Raw(params float[] values) => ByteString.CopyFrom([.. values.SelectMany(BitConverter.GetBytes)]);

    [Fact]
    public void FP32_rows_in_contents_or_raw_contents_are_the_rows_HTTP_reads()
    {
        var http = Valid(Read(Fp32));
        var contents = Valid(GrpcInferRequestReader.Read(
            Parse("""{"id":"a","inputs":[{"name":"x","datatype":"FP32","shape":[2,2,2],"contents":{"fp32Contents":[1,2,3,4,5,6,7,8]}}]}"""), Model));
        var raw = Parse("""{"id":"a","inputs":[{"name":"x","datatype":"FP32","shape":[2,2,2]}]}""");
        raw.RawInputContents.Add(Raw(1, 2, 3, 4, 5, 6, 7, 8));

        Assert.Equal(http.Inputs.Select(i => i.Tensor!), contents.Inputs.Select(i => i.Tensor!));
        Assert.Equal(http.Inputs.Select(i => i.Tensor!), Valid(GrpcInferRequestReader.Read(raw, Model)).Inputs.Select(i => i.Tensor!));
        Assert.Equal(("a", true), (contents.Id, contents.BinaryOutput));
    }

    [Fact]
    public void BYTES_images_come_in_bytes_contents_or_raw_contents()
    {
        var contents = Valid(GrpcInferRequestReader.Read(
            Parse("""{"inputs":[{"name":"x","datatype":"BYTES","shape":[2,1],"contents":{"bytesContents":["AQID","BAU="]}}],"outputs":[{"name":"y"}]}"""), Model));
        var raw = Parse("""{"inputs":[{"name":"x","datatype":"BYTES","shape":[2]}]}""");
        raw.RawInputContents.Add(ByteString.CopyFrom(3, 0, 0, 0, 1, 2, 3, 2, 0, 0, 0, 4, 5));

        Assert.Equal([[1, 2, 3], [4, 5]], contents.Inputs.Select(i => i.Image!));
        Assert.Equal(contents.Inputs.Select(i => i.Image!), Valid(GrpcInferRequestReader.Read(raw, Model)).Inputs.Select(i => i.Image!));
        Assert.Null(contents.Id);
    }

    [Fact]
    public void Every_problem_of_a_request_is_listed_at_once_and_empty_fields_count_as_missing()
    {
        var request = Parse("""
            {"id":"","inputs":[{"name":"z","datatype":"INT8","shape":[-1,2,2]},{"name":"","datatype":"FP32","contents":{"fp32Contents":[1],"int64Contents":[2]}}],
             "outputs":[{"name":"w"},{"name":""}]}
            """);
        request.RawInputContents.Add(ByteString.Empty);

        var problems = Problems(GrpcInferRequestReader.Read(request, Model));

        Assert.Contains(problems, p => p.StartsWith("raw_input_contents has 1 entries, but the request has 2 inputs"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1] has contents while the request sends raw_input_contents"));
        Assert.Contains(problems, p => p.Contains("takes one input, 'x'; the request has 2"));
        Assert.Contains(problems, p => p.StartsWith("inputs[0]: Unexpected input 'z'"));
        Assert.Contains(problems, p => p.StartsWith("inputs[0]: Input datatype 'INT8' is not supported"));
        Assert.Contains(problems, p => p.StartsWith("inputs[0]: shape [-1,2,2] holds a negative dimension"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1] needs a 'name'"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1] needs a non-empty 'shape'"));
        Assert.Contains(problems, p => p.StartsWith("outputs[0]: Unknown output 'w'"));
        Assert.Contains(problems, p => p.StartsWith("outputs[1] has no 'name'"));
        Assert.Equal(10, problems.Count);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2,2],"contents":{"bytesContents":["AA=="]}}]}""", "FP32 values go in contents.fp32_contents; the request fills bytes_contents")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"BYTES","shape":[1],"contents":{"fp32Contents":[1]}}]}""", "BYTES values go in contents.bytes_contents; the request fills fp32_contents")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2,2],"contents":{}}]}""", "FP32 data has 0 values; shape [1,2,2] needs 4")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2,2]}]}""", "inputs[0] has neither contents nor raw_input_contents")]
    public void Values_in_the_wrong_place_are_refused_with_a_reason(string request, string reason) =>
        Refused(GrpcInferRequestReader.Read(Parse(request), Model), reason);
}
