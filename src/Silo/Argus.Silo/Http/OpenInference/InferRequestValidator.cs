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

/// <summary>
/// Checks a request against the model it names: HTTP's JSON (with its binary data), or the tensors any transport read
/// (<see cref="TensorInput"/>). Pure: it lists problems instead of throwing.
/// </summary>
internal static class InferRequestValidator
{
    /// <summary>Checks <paramref name="request"/>, whose binary data (if any) is <paramref name="binary"/>, against <paramref name="model"/>.</summary>
    public static InferRequestCheck Validate(InferRequest request, ReadOnlyMemory<byte> binary, ModelInfo model)
    {
        List<string> problems = [];
        TensorInput?[]? inputs = null;
        if (request.Inputs is { } sent)
        {
            inputs = new TensorInput?[sent.Count];
            var binaryClaimed = true;
            for (var i = 0; i < sent.Count; i++)
            {
                if (sent[i] is { } input)
                {
                    var data = Data(input, $"inputs[{i}]", ref binary, ref binaryClaimed, problems);
                    inputs[i] = new TensorInput(input.Name, input.Shape, input.Datatype, data);
                }
            }

            if (binaryClaimed && binary.Length > 0)
            {
                problems.Add($"{binary.Length} bytes of binary data follow the JSON that no input's binary_data_size claims.");
            }
        }

        return Validate(request.Id, inputs, request.Outputs, BinaryOutput(request), model, problems);
    }

    /// <summary>
    /// Checks tensors read by a transport against <paramref name="model"/>: <paramref name="problems"/> holds what the
    /// transport found wrong already, and every problem found here is added to it.
    /// </summary>
    /// <param name="id">The client's id, echoed in the response.</param>
    /// <param name="inputs">The input tensors, null entries where the request had none; null when it has no inputs at all.</param>
    /// <param name="outputs">The outputs asked for (only the names are checked here); null when it names none.</param>
    /// <param name="binaryOutput">Whether the output is to go as binary data.</param>
    /// <param name="model">The model the request is for.</param>
    /// <param name="problems">The problems found so far.</param>
    public static InferRequestCheck Validate(
        string? id, IReadOnlyList<TensorInput?>? inputs, IReadOnlyList<RequestOutput?>? outputs, bool binaryOutput, ModelInfo model, List<string> problems)
    {
        var items = Inputs(inputs, model, problems);
        Outputs(outputs, model, problems);
        return problems.Count == 0 ? new ValidInferRequest(id, items!, binaryOutput) : new InvalidInferRequest(problems);
    }

    private static InferenceInput[]? Inputs(IReadOnlyList<TensorInput?>? inputs, ModelInfo model, List<string> problems)
    {
        if (inputs is null)
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
        for (var i = 0; i < inputs.Count; i++)
        {
            var where = $"inputs[{i}]";
            if (inputs[i] is not { } input)
            {
                problems.Add($"{where} is null: an input is an object with name, shape, datatype and data.");
                continue;
            }

            var found = problems.Count;
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
            if (problems.Count == found && input.Data is { } data)
            {
                items = input.Datatype == TensorData.Fp32
                    ? TensorData.ReadTensors(where, input.Shape!, elements, data, model, problems)
                    : TensorData.ReadImages(where, input.Shape!, data, problems);
            }
        }

        return items;
    }

    /// <summary>
    /// The input's data: its binary data, taken from the front of <paramref name="binary"/> (inputs' binary data follow
    /// the JSON in their order), or its JSON <c>data</c>; null with a problem when it has neither or both.
    /// <paramref name="claimed"/> turns false when a size is wrong, since the binary data left over then says nothing more.
    /// </summary>
    private static TensorSource? Data(
        RequestInput input, string where, ref ReadOnlyMemory<byte> binary, ref bool claimed, List<string> problems)
    {
        var hasData = input.Data is not null;
        if (input.Parameters?.BinaryDataSize is not { } size)
        {
            if (!hasData)
            {
                problems.Add($"{where} has neither 'data' nor binary data (parameters.binary_data_size).");
                return null;
            }

            return new TensorSource.Json(input.Data!);
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
        return hasData ? null : new TensorSource.Raw(data);
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

    /// <summary>Whether HTTP's request asks for the output as binary data: the request's default, then the output's own.</summary>
    private static bool BinaryOutput(InferRequest request)
    {
        var binary = request.Parameters?.BinaryDataOutput ?? false;
        foreach (var output in request.Outputs ?? [])
        {
            if (output?.Parameters?.BinaryData is { } b)
            {
                binary = b;
            }
        }

        return binary;
    }

    private static void Outputs(IReadOnlyList<RequestOutput?>? outputs, ModelInfo model, List<string> problems)
    {
        if (outputs is null)
        {
            return;
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
        }
    }

    private static void Repeated(string what, IEnumerable<string?> names, List<string> problems) =>
        problems.AddRange(names.OfType<string>().GroupBy(n => n).Where(g => g.Count() > 1)
            .Select(g => $"{what} '{g.Key}' is given {g.Count()} times."));
}
