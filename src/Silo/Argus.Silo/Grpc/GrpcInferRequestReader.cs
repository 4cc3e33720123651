using Argus.Models;
using Argus.Silo.Http.OpenInference;
using Inference;

namespace Argus.Silo.Grpc;

/// <summary>
/// Reads a <c>ModelInferRequest</c> as tensors (<see cref="TensorInput"/>): each input's values from
/// <c>raw_input_contents</c> or from its <c>contents</c>, then checks them as HTTP's requests are checked
/// (<see cref="InferRequestValidator"/>). Pure, and it never throws for what a client sends. Proto3 cannot tell an empty
/// string or list from a missing one: both count as missing.
/// </summary>
internal static class GrpcInferRequestReader
{
    /// <summary>Reads <paramref name="request"/> and checks it against <paramref name="model"/>.</summary>
    public static InferRequestCheck Read(ModelInferRequest request, ModelInfo model)
    {
        List<string> problems = [];
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            problems.Add($"raw_input_contents has {raw.Count} entries, but the request has {request.Inputs.Count} inputs: one entry per input, in their order.");
        }

        var inputs = new TensorInput?[request.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = request.Inputs[i];
            var where = $"inputs[{i}]";
            TensorSource? data = null;
            if (raw.Count > 0)
            {
                if (input.Contents is not null)
                {
                    problems.Add($"{where} has contents while the request sends raw_input_contents: send one or the other.");
                }
                else if (i < raw.Count)
                {
                    data = new TensorSource.Raw(raw[i].Memory);
                }
            }
            else if (input.Contents is null)
            {
                problems.Add($"{where} has neither contents nor raw_input_contents.");
            }
            else
            {
                data = Contents(input.Contents, input.Datatype, where, problems);
            }

            inputs[i] = new TensorInput(Given(input.Name), input.Shape.Count == 0 ? null : input.Shape, Given(input.Datatype), data);
        }

        var outputs = new RequestOutput?[request.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new RequestOutput(Given(request.Outputs[i].Name), null);
        }

        // The output always goes as raw_output_contents, as Triton sends it.
        return InferRequestValidator.Validate(Given(request.Id), inputs, outputs.Length == 0 ? null : outputs, binaryOutput: true, model, problems);
    }

    /// <summary>
    /// The values in the field of <paramref name="datatype"/>; null (with a problem) when others are filled instead, and
    /// for a datatype Argus does not take, which the validator names.
    /// </summary>
    private static TensorSource? Contents(InferTensorContents contents, string datatype, string where, List<string> problems)
    {
        var field = datatype switch
        {
            TensorData.Fp32 => "fp32_contents",
            TensorData.Bytes => "bytes_contents",
            _ => null,
        };
        if (field is null)
        {
            return null;
        }

        var filled = Filled(contents).Where(f => f != field).ToList();
        if (filled.Count > 0)
        {
            problems.Add($"{where}: {datatype} values go in contents.{field}; the request fills {string.Join(", ", filled)}.");
            return null;
        }

        return datatype == TensorData.Fp32
            ? new TensorSource.Floats(contents.Fp32Contents)
            : new TensorSource.Elements([.. contents.BytesContents.Select(b => b.Memory)]);
    }

    private static IEnumerable<string> Filled(InferTensorContents contents)
    {
        if (contents.BoolContents.Count > 0) yield return "bool_contents";
        if (contents.IntContents.Count > 0) yield return "int_contents";
        if (contents.Int64Contents.Count > 0) yield return "int64_contents";
        if (contents.UintContents.Count > 0) yield return "uint_contents";
        if (contents.Uint64Contents.Count > 0) yield return "uint64_contents";
        if (contents.Fp32Contents.Count > 0) yield return "fp32_contents";
        if (contents.Fp64Contents.Count > 0) yield return "fp64_contents";
        if (contents.BytesContents.Count > 0) yield return "bytes_contents";
    }

    private static string? Given(string text) => text.Length == 0 ? null : text;
}
