using System.Text.Json;
using Argus.Devices;
using Argus.Models;

namespace Argus.Silo.Http.OpenInference;

/// <summary>What checking a request found: a request to run, or everything wrong with it.</summary>
internal abstract record InferRequestCheck;

/// <summary>A request that fits its model.</summary>
/// <param name="Id">The client's id, echoed in the response.</param>
/// <param name="Inputs">One item per row of the input tensor.</param>
/// <param name="BinaryOutput">Whether the output goes after the JSON as binary data instead of in it.</param>
internal sealed record ValidInferRequest(string? Id, IReadOnlyList<InferenceInput> Inputs, bool BinaryOutput) : InferRequestCheck;

/// <summary>A request that cannot run; answered 400 with every problem.</summary>
internal sealed record InvalidInferRequest(IReadOnlyList<string> Problems) : InferRequestCheck;

/// <summary>Checks a request read from JSON against the model it names. Pure: it lists problems instead of throwing.</summary>
internal static class InferRequestValidator
{
    /// <summary>Checks <paramref name="request"/>, whose binary data (if any) is <paramref name="binary"/>, against <paramref name="model"/>.</summary>
    public static InferRequestCheck Validate(InferRequest request, ReadOnlyMemory<byte> binary, ModelInfo model)
    {
        List<string> problems = [];
        var items = Inputs(request, binary, model, problems);
        var binaryOutput = BinaryOutput(request, model, problems);
        return problems.Count == 0 ? new ValidInferRequest(request.Id, items!, binaryOutput) : new InvalidInferRequest(problems);
    }

    private static InferenceInput[]? Inputs(InferRequest request, ReadOnlyMemory<byte> binary, ModelInfo model, List<string> problems)
    {
        if (request.Inputs is not { } inputs)
        {
            problems.Add("The request needs an 'inputs' array.");
            return null;
        }

        if (inputs.Count != 1)
        {
            problems.Add($"Model '{model.Name}' takes one input, '{model.Input.Name}'; the request has {inputs.Count}.");
        }

        Repeated("Input", inputs.Select(i => i?.Name), problems);
        InferenceInput[]? items = null;
        var binaryClaimed = true;
        for (var i = 0; i < inputs.Count; i++)
        {
            var where = $"inputs[{i}]";
            if (inputs[i] is not { } input)
            {
                problems.Add($"{where} is null: an input is an object with name, shape, datatype and data.");
                continue;
            }

            var found = problems.Count;
            var raw = BinaryData(input, where, ref binary, ref binaryClaimed, problems);
            if (input.Name is null)
            {
                problems.Add($"{where} needs a 'name'.");
            }
            else if (input.Name != model.Input.Name)
            {
                problems.Add($"{where}: Unexpected input '{input.Name}': model '{model.Name}' takes '{model.Input.Name}'.");
            }

            if (input.Datatype is null)
            {
                problems.Add($"{where} needs a 'datatype'.");
            }
            else if (input.Datatype is not (TensorData.Fp32 or TensorData.Bytes))
            {
                problems.Add($"{where}: Input datatype '{input.Datatype}' is not supported: send FP32 tensors or BYTES holding encoded images.");
            }

            var elements = Elements(input.Shape, where, problems);
            if (problems.Count == found)
            {
                items = input.Datatype == TensorData.Fp32
                    ? TensorData.ReadTensors(where, input.Shape!, elements, input.Data, raw, model, problems)
                    : TensorData.ReadImages(where, input.Shape!, input.Data, raw, problems);
            }
        }

        if (binaryClaimed && binary.Length > 0)
        {
            problems.Add($"{binary.Length} bytes of binary data follow the JSON that no input's binary_data_size claims.");
        }

        return items;
    }

    /// <summary>
    /// The input's binary data, taken from the front of <paramref name="binary"/> (inputs' binary data follow the JSON in
    /// their order), or null when its data is in the JSON. <paramref name="claimed"/> turns false when a size is wrong,
    /// since the binary data left over then says nothing more.
    /// </summary>
    private static ReadOnlyMemory<byte>? BinaryData(
        RequestInput input, string where, ref ReadOnlyMemory<byte> binary, ref bool claimed, List<string> problems)
    {
        var hasData = input.Data is { ValueKind: not JsonValueKind.Null };
        if (input.Parameters?.BinaryDataSize is not { } size)
        {
            if (!hasData)
            {
                problems.Add($"{where} has neither 'data' nor binary data (parameters.binary_data_size).");
            }

            return null;
        }

        if (hasData)
        {
            problems.Add($"{where} has both 'data' and binary data (parameters.binary_data_size).");
        }

        if (size < 0 || size > binary.Length)
        {
            problems.Add(size < 0
                ? $"{where}: binary_data_size must not be negative (is {size})."
                : $"{where}: binary_data_size is {size}, but {binary.Length} bytes of binary data are left after the JSON"
                  + $" (the JSON's length is sent as {InferRequestReader.HeaderLength}).");
            claimed = false;
            return null;
        }

        var data = binary[..(int)size];
        binary = binary[(int)size..];
        return data;
    }

    /// <summary>The number of elements <paramref name="shape"/> holds, or -1 (with a problem) when it is not a shape a request can carry.</summary>
    private static int Elements(IReadOnlyList<long>? shape, string where, List<string> problems)
    {
        if (shape is not { Count: > 0 })
        {
            problems.Add($"{where} needs a non-empty 'shape'.");
            return -1;
        }

        if (shape.Any(d => d < 0))
        {
            problems.Add($"{where}: shape {TensorData.Text(shape)} holds a negative dimension.");
            return -1;
        }

        if (shape.Contains(0))
        {
            return 0;
        }

        // A body cannot carry more values than this, and the product must not wrap around while it is computed.
        var elements = 1L;
        foreach (var d in shape)
        {
            if (d > int.MaxValue / elements)
            {
                problems.Add($"{where}: shape {TensorData.Text(shape)} holds more than {int.MaxValue} elements.");
                return -1;
            }

            elements *= d;
        }

        return (int)elements;
    }

    private static bool BinaryOutput(InferRequest request, ModelInfo model, List<string> problems)
    {
        var binary = request.Parameters?.BinaryDataOutput ?? false;
        if (request.Outputs is not { } outputs)
        {
            return binary;
        }

        Repeated("Output", outputs.Select(o => o?.Name), problems);
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            if (output?.Name is null)
            {
                problems.Add($"outputs[{i}] {(output is null ? "is null" : "has no 'name'")}: an output is an object with a name and parameters.");
            }
            else if (output.Name != model.Output.Name)
            {
                problems.Add($"outputs[{i}]: Unknown output '{output.Name}': model '{model.Name}' gives '{model.Output.Name}'.");
            }
            else if (output.Parameters?.BinaryData is { } b)
            {
                binary = b;
            }
        }

        return binary;
    }

    private static void Repeated(string what, IEnumerable<string?> names, List<string> problems) =>
        problems.AddRange(names.OfType<string>().GroupBy(n => n).Where(g => g.Count() > 1)
            .Select(g => $"{what} '{g.Key}' is given {g.Count()} times."));
}
