using Argus.Silo.Http.OpenInference;
using static Argus.Silo.Tests.Http.OpenInference.Requests;

namespace Argus.Silo.Tests.Http.OpenInference;

/// <summary>What a request must be to run on a model; every problem is listed, none throws.</summary>
public sealed class InferRequestValidatorTests
{
    private static string Input(string fields) => $$"""{"inputs":[{{{fields}}}]}""";

    private static string Fp32Input(string shape, string data) => Input($$"""  "name":"x","datatype":"FP32","shape":{{shape}},"data":{{data}} """);

    private static string BytesInput(string shape, string data) => Input($$"""  "name":"x","datatype":"BYTES","shape":{{shape}},"data":{{data}} """);

    private static string WithOutputs(string outputs) => $"{Fp32[..^1]},\"outputs\":{outputs}}}";

    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    private static byte[] Elements(params byte[][] elements) => [.. elements.SelectMany(e => BitConverter.GetBytes(e.Length).Concat(e))];

    [Fact]
    public void FP32_rows_come_flat_or_nested_in_row_major_order()
    {
        var nested = Valid(Read(Fp32Input("[2,2,2]", "[[[1,2],[3,4]],[[5,6],[7,8]]]")));
        var flat = Valid(Read(Fp32Input("[2,2,2]", "[1,2,3,4,5,6,7,8]")));
        var oddlyNested = Valid(Read(Fp32Input("[2,2,2]", "[[1,2,3],[4,5],[6,7,8],[]]")));

        Assert.Equal([[1f, 2, 3, 4], [5f, 6, 7, 8]], nested.Inputs.Select(i => i.Tensor!));
        Assert.Equal(nested.Inputs.Select(i => i.Tensor!), flat.Inputs.Select(i => i.Tensor!));
        Assert.Equal(nested.Inputs.Select(i => i.Tensor!), oddlyNested.Inputs.Select(i => i.Tensor!));
    }

    [Fact]
    public void BYTES_images_come_as_base64_strings_b64_objects_or_binary_elements()
    {
        var json = Valid(Read(Images));
        var column = Valid(Read(BytesInput("[2,1]", """[["AQID"],["BAU="]]""")));
        var binary = Valid(ReadBinary(
            """{"inputs":[{"name":"x","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":13}}]}""", Elements([1, 2, 3], [4, 5])));

        Assert.Equal([[1, 2, 3], [4, 5]], json.Inputs.Select(i => i.Image!));
        Assert.Equal(json.Inputs.Select(i => i.Image!), column.Inputs.Select(i => i.Image!));
        Assert.Equal(json.Inputs.Select(i => i.Image!), binary.Inputs.Select(i => i.Image!));
    }

    [Theory]
    [InlineData("""{"inputs":[],"parameters":{"binary_data_output":true}}""", true)]
    [InlineData("""{"inputs":[],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""", true)]
    [InlineData("""{"inputs":[],"parameters":{"binary_data_output":true},"outputs":[{"name":"y","parameters":{"binary_data":false}}]}""", false)]
    [InlineData("""{"inputs":[],"outputs":[{"name":"y"}]}""", false)]
    public void The_output_goes_as_binary_data_when_asked(string outputs, bool binary)
    {
        var json = outputs.Replace("\"inputs\":[]", """ "inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","data":[1,2,3,4]}] """);

        Assert.Equal(binary, Valid(Read(json)).BinaryOutput);
    }

    [Fact]
    public void Every_problem_of_a_request_is_listed_at_once()
    {
        var problems = Problems(Read("""
            {"inputs":[{"name":"z","shape":[-1,2,2],"datatype":"INT8","data":[1]},{"name":"z"},null],"outputs":[{"name":"w"},null]}
            """));

        Assert.Contains(problems, p => p.Contains("takes one input, 'x'; the request has 3"));
        Assert.Contains(problems, p => p.Contains("Input 'z' is given 2 times"));
        Assert.Contains(problems, p => p.StartsWith("inputs[0]: Unexpected input 'z'"));
        Assert.Contains(problems, p => p.StartsWith("inputs[0]: Input datatype 'INT8' is not supported"));
        Assert.Contains(problems, p => p.StartsWith("inputs[0]: shape [-1,2,2] holds a negative dimension"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1] has neither 'data' nor binary data"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1]: Unexpected input 'z'"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1] needs a 'datatype'"));
        Assert.Contains(problems, p => p.StartsWith("inputs[1] needs a non-empty 'shape'"));
        Assert.Contains(problems, p => p.StartsWith("inputs[2] is null"));
        Assert.Contains(problems, p => p.StartsWith("outputs[0]: Unknown output 'w'"));
        Assert.Contains(problems, p => p.StartsWith("outputs[1] is null"));
        Assert.Equal(12, problems.Count);
    }

    [Fact]
    public void Validate_is_pure_over_records()
    {
        var request = new InferRequest("r", [new RequestInput("x", [1, 2, 2], "FP32", new InputParameters(16), null)], null, null);

        var valid = Valid(InferRequestValidator.Validate(request, Floats(1, 2, 3, 4), Model));
        var invalid = Problems(InferRequestValidator.Validate(request, Floats(1, 2, 3), Model));

        Assert.Equal([1f, 2, 3, 4], valid.Inputs.Single().Tensor!);
        Assert.Contains(invalid, p => p.Contains("binary_data_size is 16, but 12 bytes"));
    }

    /// <summary>Shapes a client may write that no tensor of this model has.</summary>
    public static TheoryData<string, string> BadShapes => new()
    {
        { Input(""" "name":"x","datatype":"FP32","data":[1,2,3,4] """), "needs a non-empty 'shape'" },
        { Fp32Input("null", "[1,2,3,4]"), "needs a non-empty 'shape'" },
        { Fp32Input("[]", "[1,2,3,4]"), "needs a non-empty 'shape'" },
        { Fp32Input("[-1,2,2]", "[1,2,3,4]"), "holds a negative dimension" },
        { Fp32Input("[1,-2,-2]", "[1,2,3,4]"), "holds a negative dimension" },
        { Fp32Input("[-9223372036854775808,2,2]", "[1,2,3,4]"), "holds a negative dimension" },
        { Fp32Input("[0,2,2]", "[]"), "does not fit model 'tiny', which takes [N,2,2] with N ≥ 1" },
        { Fp32Input("[1,2,3]", "[1,2,3,4,5,6]"), "does not fit" },
        { Fp32Input("[1,4]", "[1,2,3,4]"), "does not fit" },
        { Fp32Input("[1,2,2,1]", "[1,2,3,4]"), "does not fit" },
        { Fp32Input("[4]", "[1,2,3,4]"), "does not fit" },
        { Fp32Input("[1,2,0]", "[]"), "does not fit" },
        { Fp32Input("[536870912,2,2]", "[1,2,3,4]"), "holds more than 2147483647 elements" },
        { Fp32Input("[9223372036854775807,2,2]", "[1,2,3,4]"), "holds more than 2147483647 elements" },
        { Fp32Input("[4294967296,4294967296,0]", "[]"), "does not fit" },
        { Fp32Input("[3037000500,3037000500,2]", "[1,2,3,4]"), "holds more than" },
        { Fp32Input("[536870911,2,2]", "[1,2,3,4]"), "FP32 data has 4 values; shape [536870911,2,2] needs 2147483644" },
        { BytesInput("[2,2]", """["AQID","AQID","AQID","AQID"]"""), "BYTES input shape must be [N] or [N,1] with N ≥ 1 (is [2,2])" },
        { BytesInput("[1,1,1]", """["AQID"]"""), "BYTES input shape must be" },
        { BytesInput("[0]", "[]"), "BYTES input shape must be" },
        { BytesInput("[9223372036854775807]", """["AQID"]"""), "holds more than 2147483647 elements" },
        { BytesInput("[1000000]", """["AQID"]"""), "BYTES data has 1 elements; shape says 1000000" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void Malformed_shapes_are_refused(string json, string reason) => Refused(Read(json), reason);

    /// <summary>Data that does not fill its shape, or is not of its datatype.</summary>
    public static TheoryData<string, string> BadData => new()
    {
        { Fp32Input("[1,2,2]", "[1,2,3]"), "FP32 data has 3 values; shape [1,2,2] needs 4" },
        { Fp32Input("[1,2,2]", "[1,2,3,4,5]"), "FP32 data has 5 values" },
        { Fp32Input("[2,2,2]", "[[1,2,3,4]]"), "FP32 data has 4 values; shape [2,2,2] needs 8" },
        { Fp32Input("[1,2,2]", "[]"), "FP32 data has 0 values" },
        { Fp32Input("[1,2,2]", "[1,2,\"3\",4]"), "FP32 data must hold numbers; 1 elements are not" },
        { Fp32Input("[1,2,2]", "[1,null,3,4]"), "must hold numbers" },
        { Fp32Input("[1,2,2]", "[1,true,3,4]"), "must hold numbers" },
        { Fp32Input("[1,2,2]", "[1,{\"v\":2},3,4]"), "must hold numbers" },
        { Fp32Input("[1,2,2]", "[[1,2],[null,[4,\"x\"]]]"), "2 elements are not" },
        { Fp32Input("[1,2,2]", "[1,2,3,1e39]"), "1 numbers beyond FP32's range" },
        { Fp32Input("[1,2,2]", "[1,2,-3.5e38,1e400]"), "2 numbers beyond FP32's range" },
        { Fp32Input("[1,2,2]", "4"), "'data' must be an array" },
        { Fp32Input("[1,2,2]", "\"1,2,3,4\""), "'data' must be an array" },
        { Fp32Input("[1,2,2]", "{\"0\":1}"), "'data' must be an array" },
        { Fp32Input("[1,2,2]", "null"), "has neither 'data' nor binary data" },
        { Input(""" "name":"x","datatype":"FP32","shape":[1,2,2] """), "has neither 'data' nor binary data" },
        { BytesInput("[1]", """["%%%"]"""), "must be base64-encoded images" },
        { BytesInput("[1]", """["AQI"]"""), "base64" },
        { BytesInput("[1]", """["\ud800"]"""), "base64" },
        { BytesInput("[1]", "[12]"), "base64" },
        { BytesInput("[1]", "[null]"), "base64" },
        { BytesInput("[1]", """[{"b64":5}]"""), "base64" },
        { BytesInput("[1]", """[{"data":"AQID"}]"""), "base64" },
        { BytesInput("[1]", "\"AQID\""), "'data' must be an array" },
        { BytesInput("[2]", """["AQID"]"""), "BYTES data has 1 elements; shape says 2" },
        { BytesInput("[1]", """["AQID","AQID"]"""), "BYTES data has 2 elements; shape says 1" },
        { BytesInput("[2]", """[["AQID",["AQID",["AQID"]]]]"""), "BYTES data has 3 elements" },
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public void Data_of_the_wrong_length_or_type_is_refused(string json, string reason) => Refused(Read(json), reason);

    /// <summary>Missing fields, unknown names and datatypes, repeated inputs and outputs.</summary>
    public static TheoryData<string, string> BadFields => new()
    {
        { "{}", "needs an 'inputs' array" },
        { """{"inputs":null}""", "needs an 'inputs' array" },
        { """{"inputs":[]}""", "takes one input, 'x'; the request has 0" },
        { """{"inputs":[null]}""", "inputs[0] is null" },
        { Input(""" "datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4] """), "inputs[0] needs a 'name'" },
        { Input(""" "name":null,"datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4] """), "inputs[0] needs a 'name'" },
        { Input(""" "name":"X","datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4] """), "Unexpected input 'X': model 'tiny' takes 'x'" },
        { Input(""" "name":"x","shape":[1,2,2],"data":[1,2,3,4] """), "needs a 'datatype'" },
        { Input(""" "name":"x","datatype":"fp32","shape":[1,2,2],"data":[1,2,3,4] """), "Input datatype 'fp32' is not supported" },
        { Input(""" "name":"x","datatype":"FP16","shape":[1,2,2],"data":[1,2,3,4] """), "Input datatype 'FP16' is not supported" },
        { Input(""" "name":"x","datatype":"","shape":[1,2,2],"data":[1,2,3,4] """), "Input datatype '' is not supported" },
        {
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4]},{"name":"x","datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4]}]}""",
            "Input 'x' is given 2 times"
        },
        {
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4]},{"name":"w","datatype":"FP32","shape":[1,2,2],"data":[1,2,3,4]}]}""",
            "the request has 2"
        },
        { WithOutputs("[null]"), "outputs[0] is null" },
        { WithOutputs("[{}]"), "outputs[0] has no 'name'" },
        { WithOutputs("""[{"name":"logits"}]"""), "Unknown output 'logits': model 'tiny' gives 'y'" },
        { WithOutputs("""[{"name":"y"},{"name":"y"}]"""), "Output 'y' is given 2 times" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Missing_and_unknown_fields_are_refused(string json, string reason) => Refused(Read(json), reason);

    private const string BinaryFp32 = """{"inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","parameters":{"binary_data_size":SIZE}}]}""";

    [Theory]
    [InlineData("16", 16, null)]
    [InlineData("17", 16, "binary_data_size is 17, but 16 bytes of binary data are left")]
    [InlineData("2147483648", 16, "binary_data_size is 2147483648, but 16 bytes")]
    [InlineData("9223372036854775807", 16, "binary_data_size is 9223372036854775807")]
    [InlineData("-1", 16, "binary_data_size must not be negative (is -1)")]
    [InlineData("-9223372036854775808", 16, "must not be negative")]
    [InlineData("12", 12, "Binary FP32 data has 12 bytes; shape [1,2,2] needs 16")]
    [InlineData("0", 0, "Binary FP32 data has 0 bytes")]
    [InlineData("12", 16, "4 bytes of binary data follow the JSON that no input's binary_data_size claims")]
    public void Binary_sizes_must_match_the_binary_data(string size, int sent, string? reason)
    {
        var check = ReadBinary(BinaryFp32.Replace("SIZE", size), Floats(1, 2, 3, 4)[..sent]);

        if (reason is null)
        {
            Valid(check);
        }
        else
        {
            Refused(check, reason);
        }
    }

    [Fact]
    public void Binary_data_without_the_header_length_is_refused()
    {
        Refused(Read(BinaryFp32.Replace("SIZE", "16")), "binary_data_size is 16, but 0 bytes of binary data are left after the JSON (the JSON's length is sent as Inference-Header-Content-Length)");
        Refused(Read(BinaryFp32.Replace("SIZE", "16"), binary: Floats(1, 2, 3, 4)), "not valid");
    }

    [Fact]
    public void An_input_with_data_and_binary_data_is_refused() =>
        Refused(ReadBinary(Fp32Input("[1,2,2]", "[1,2,3,4]").Replace("\"data\"", "\"parameters\":{\"binary_data_size\":16},\"data\""), Floats(1, 2, 3, 4)),
            "has both 'data' and binary data");

    [Theory]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 2, 3, 2, 0, 0, 0, 4, 5 }, null)]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 2, 3, 2, 0, 0, 0, 4 }, "Binary BYTES data is truncated: element 1 has 5 bytes left")]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 2, 3, 2, 0 }, "truncated")]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 2, 3, 255, 255, 255, 255, 4 }, "truncated")]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 128, 4 }, "truncated")]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 2, 3 }, "BYTES data has 1 elements; shape says 2")]
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 1, 0, 0, 0, 2, 1, 0, 0, 0, 3 }, "BYTES data has 3 elements; shape says 2")]
    [InlineData(new byte[0], "BYTES data has 0 elements")]
    public void Binary_BYTES_elements_must_be_whole(byte[] binary, string? reason)
    {
        var check = ReadBinary($$$"""{"inputs":[{"name":"x","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":{{{binary.Length}}}}}]}""", binary);

        if (reason is null)
        {
            Valid(check);
        }
        else
        {
            Refused(check, reason);
        }
    }
}
