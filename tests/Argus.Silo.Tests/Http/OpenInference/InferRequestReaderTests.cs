using System.Globalization;
using System.Text;
using Argus.Silo.Http.OpenInference;
using static Argus.Silo.Tests.Http.OpenInference.Requests;

namespace Argus.Silo.Tests.Http.OpenInference;

/// <summary>How a body becomes records: the binary extension's header, UTF-8, JSON syntax and the JSON type of every field.</summary>
public sealed class InferRequestReaderTests
{
    [Fact]
    public void A_valid_body_is_read_whole()
    {
        var request = Valid(Read(Fp32));

        Assert.Equal("a", request.Id);
        Assert.False(request.BinaryOutput);
        Assert.Equal([[1f, 2, 3, 4], [5f, 6, 7, 8]], request.Inputs.Select(i => i.Tensor!));
    }

    [Theory]
    [InlineData("abc", "whole number")]
    [InlineData("", "whole number")]
    [InlineData("-5", "whole number")]
    [InlineData("+5", "whole number")]
    [InlineData(" 5", "whole number")]
    [InlineData("5.0", "whole number")]
    [InlineData("1e2", "whole number")]
    [InlineData("99999999999", "whole number")]
    [InlineData("5, 6", "whole number")]
    [InlineData("100000", "the body has")]
    [InlineData("0", "not valid JSON")]
    [InlineData("10", "not valid JSON")]
    public void A_header_length_that_is_not_the_JSON_s_length_is_refused(string header, string reason) =>
        Refused(Read(Fp32, header), reason);

    [Fact]
    public void A_tensor_in_JSON_reads_to_the_floats_its_binary_form_holds()
    {
        var random = new Random(18);
        var values = Enumerable.Range(0, 28_000).Select(_ => (random.NextSingle() * 2 - 1) * MathF.Pow(10, random.Next(-40, 38))).ToArray();
        var shape = $"[{values.Length / 4},2,2]";
        var numbers = string.Join(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        var input = $$""" "name":"x","shape":{{shape}},"datatype":"FP32" """;

        var json = Valid(Read($$"""{"inputs":[{{{input}},"data":[{{numbers}}]}]}"""));
        var binary = Valid(ReadBinary(
            "{\"inputs\":[{" + input + $",\"parameters\":{{\"binary_data_size\":{values.Length * 4}}}}}]}}", [.. values.SelectMany(BitConverter.GetBytes)]));

        Assert.Equal(values.Length / 4, json.Inputs.Count);
        Assert.Equal(binary.Inputs.SelectMany(i => i.Tensor!), json.Inputs.SelectMany(i => i.Tensor!));
    }

    [Fact]
    public void The_header_length_splits_the_JSON_from_the_binary_data()
    {
        var floats = new[] { 1f, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray();

        var request = Valid(ReadBinary("""{"inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""", floats));

        Assert.Equal([1f, 2, 3, 4], request.Inputs.Single().Tensor!);
    }

    [Fact]
    public void Invalid_UTF8_is_refused_wherever_it_is()
    {
        byte[] bad = [0xff, 0xfe, 0xc0, 0x80];
        foreach (var at in new[] { "\"id\":\"", "\"inputs\":[{\"name\":\"", "\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"" })
        {
            var json = Encoding.UTF8.GetBytes("{" + at);
            Refused(InferRequestReader.Read((byte[])[.. json, .. bad, .. "\"}"u8], null, Model), "not valid UTF-8");
        }
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"inputs":[{"name":"x","data":[1,2""", "not valid JSON")]
    [InlineData("""{"inputs":[]}}""", "not valid JSON")]
    [InlineData("""{"inputs":[],}""", "not valid JSON")]
    [InlineData("""{'inputs':[]}""", "not valid JSON")]
    [InlineData("""{"inputs":[{"name":"x","name":"y"}]}""", "Duplicate")]
    [InlineData("""{"inputs":[],"inputs":[]}""", "Duplicate")]
    [InlineData("""{"id":5,"id":"x","inputs":[]}""", "Duplicate")]
    [InlineData("""{"inputs":[],"extra":{"a":{"b":1,"b":2}}}""", "Duplicate")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"BYTES","shape":[1],"data":[{"b64":"AQID","b64":"AQID"}]}]}""", "Duplicate")]
    [InlineData("""{"id":5,"inputs":[}""", "not valid JSON")]
    [InlineData("""{"inputs":[{"shape":"1"}],"outputs":[{"name":"y"},]}""", "not valid JSON")]
    [InlineData("""{"inputs":[],"outputs":[{"name\ud800":"y"}]}""", "not valid JSON")]
    [InlineData("""{"a\udc00":1,"b":2}""", "not valid JSON")]
    [InlineData("[]", "must be a JSON object, not an array")]
    [InlineData("\"x\"", "must be a JSON object, not a string")]
    [InlineData("1", "must be a JSON object, not a number")]
    [InlineData("null", "must be a JSON object, not null")]
    [InlineData("true", "must be a JSON object, not true")]
    public void A_body_that_is_not_one_JSON_object_is_refused(string json, string reason) => Refused(Read(json), reason);

    [Fact]
    public void Nesting_beyond_the_reader_s_depth_is_refused()
    {
        var deep = new string('[', 100) + new string(']', 100);
        Refused(Read($$"""{"inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","data":{{deep}}}]}"""), "not valid JSON");
    }

    /// <summary>Each field with a value of a JSON type the protocol does not allow there, and the path the answer names.</summary>
    public static TheoryData<string, string> WrongTypes => new()
    {
        { """{"id":5,"inputs":[]}""", "$.id" },
        { """{"inputs":5}""", "$.inputs" },
        { """{"inputs":"x"}""", "$.inputs" },
        { """{"inputs":{"name":"x"}}""", "$.inputs" },
        { """{"inputs":[5]}""", "$.inputs[0]" },
        { """{"inputs":[[]]}""", "$.inputs[0]" },
        { """{"inputs":[{"name":"x"},"y"]}""", "$.inputs[1]" },
        { """{"inputs":[{"name":5}]}""", "$.inputs[0].name" },
        { """{"inputs":[{"name":true}]}""", "$.inputs[0].name" },
        { """{"inputs":[{"name":["x"]}]}""", "$.inputs[0].name" },
        { """{"inputs":[{"name":"\ud800"}]}""", "$.inputs[0].name" },
        { """{"inputs":[{"datatype":32}]}""", "$.inputs[0].datatype" },
        { """{"inputs":[{"datatype":{"t":"FP32"}}]}""", "$.inputs[0].datatype" },
        { """{"inputs":[{"shape":"1,2,2"}]}""", "$.inputs[0].shape" },
        { """{"inputs":[{"shape":4}]}""", "$.inputs[0].shape" },
        { """{"inputs":[{"shape":{"0":1}}]}""", "$.inputs[0].shape" },
        { """{"inputs":[{"shape":["batch",2,2]}]}""", "$.inputs[0].shape[0]" },
        { """{"inputs":[{"shape":[1,null,2]}]}""", "$.inputs[0].shape[1]" },
        { """{"inputs":[{"shape":[1,[2],2]}]}""", "$.inputs[0].shape[1]" },
        { """{"inputs":[{"shape":[1,2,2.5]}]}""", "$.inputs[0].shape[2]" },
        { """{"inputs":[{"shape":[1.0,2,2]}]}""", "$.inputs[0].shape[0]" },
        { """{"inputs":[{"shape":[1e0,2,2]}]}""", "$.inputs[0].shape[0]" },
        { """{"inputs":[{"shape":[true,2,2]}]}""", "$.inputs[0].shape[0]" },
        { """{"inputs":[{"shape":[99999999999999999999,2,2]}]}""", "$.inputs[0].shape[0]" },
        { """{"inputs":[{"shape":[-99999999999999999999,2,2]}]}""", "$.inputs[0].shape[0]" },
        { """{"inputs":[],"parameters":5}""", "$.parameters" },
        { """{"inputs":[],"parameters":[]}""", "$.parameters" },
        { """{"inputs":[],"parameters":"binary"}""", "$.parameters" },
        { """{"inputs":[],"parameters":{"binary_data_output":"true"}}""", "$.parameters.binary_data_output" },
        { """{"inputs":[],"parameters":{"binary_data_output":1}}""", "$.parameters.binary_data_output" },
        { """{"inputs":[{"parameters":5}]}""", "$.inputs[0].parameters" },
        { """{"inputs":[{"parameters":{"binary_data_size":"16"}}]}""", "$.inputs[0].parameters.binary_data_size" },
        { """{"inputs":[{"parameters":{"binary_data_size":1.5}}]}""", "$.inputs[0].parameters.binary_data_size" },
        { """{"inputs":[{"parameters":{"binary_data_size":16.0}}]}""", "$.inputs[0].parameters.binary_data_size" },
        { """{"inputs":[{"parameters":{"binary_data_size":1e30}}]}""", "$.inputs[0].parameters.binary_data_size" },
        { """{"inputs":[{"parameters":{"binary_data_size":[16]}}]}""", "$.inputs[0].parameters.binary_data_size" },
        { """{"inputs":[],"outputs":5}""", "$.outputs" },
        { """{"inputs":[],"outputs":{"name":"y"}}""", "$.outputs" },
        { """{"inputs":[],"outputs":["y"]}""", "$.outputs[0]" },
        { """{"inputs":[],"outputs":[{"name":5}]}""", "$.outputs[0].name" },
        { """{"inputs":[],"outputs":[{"name":"y","parameters":true}]}""", "$.outputs[0].parameters" },
        { """{"inputs":[],"outputs":[{"name":"y","parameters":{"binary_data":"yes"}}]}""", "$.outputs[0].parameters.binary_data" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void A_value_of_the_wrong_JSON_type_is_refused_with_its_path(string json, string path) =>
        Refused(Read(json), $"at {path}:");

    [Fact]
    public void Fields_the_protocol_does_not_define_and_unknown_parameters_are_ignored()
    {
        var request = Valid(Read("""
            {"inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","data":[1,2,3,4],"parameters":{"shared_memory_region":"r"},"extra":{}}],
             "parameters":{"sequence_id":7,"priority":"high"},"outputs":[{"name":"y","parameters":{"classification":3}}],"extra":[1]}
            """));

        Assert.Single(request.Inputs);
    }
}
