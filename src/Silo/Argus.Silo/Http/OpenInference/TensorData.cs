using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Argus.Devices;
using Argus.Models;

namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// An input tensor's data as the items of a request: rows of an FP32 tensor in the model's input layout, or the encoded
/// images of a BYTES tensor, from whichever <see cref="TensorSource"/> the transport gave.
/// </summary>
internal static class TensorData
{
    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";

    /// <summary>The rows of an FP32 tensor of <paramref name="shape"/> (<paramref name="elements"/> values), or null with a problem.</summary>
    public static InferenceInput[]? ReadTensors(
        string where, IReadOnlyList<long> shape, int elements, TensorSource data, ModelInfo model, List<string> problems)
    {
        var itemShape = model.Input.Shape.Skip(1);
        if (shape[0] < 1 || !shape.Skip(1).SequenceEqual(itemShape))
        {
            problems.Add($"{where}: Shape {Text(shape)} does not fit model '{model.Name}', which takes [N,{string.Join(',', itemShape)}] with N ≥ 1.");
            return null;
        }

        IReadOnlyList<float>? numbers;
        switch (data)
        {
            case TensorSource.Raw raw:
                if (raw.Bytes.Length != elements * (long)sizeof(float))
                {
                    problems.Add($"{where}: Binary FP32 data has {raw.Bytes.Length} bytes; shape {Text(shape)} needs {elements * (long)sizeof(float)}.");
                    return null;
                }

                return Rows(raw.Bytes.Span, (int)shape[0], model.Input.ItemLength);
            case TensorSource.Json json:
                numbers = Numbers(where, json.Data, problems);
                break;
            case TensorSource.Floats floats:
                numbers = floats.Values;
                break;
            default:
                problems.Add($"{where}: FP32 data must be numbers, not BYTES elements.");
                return null;
        }

        if (numbers is null)
        {
            return null;
        }

        if (numbers.Count != elements)
        {
            problems.Add($"{where}: FP32 data has {numbers.Count} values; shape {Text(shape)} needs {elements}.");
            return null;
        }

        var itemLength = model.Input.ItemLength;
        var items = new InferenceInput[(int)shape[0]];
        for (var i = 0; i < items.Length; i++)
        {
            var row = GC.AllocateUninitializedArray<float>(itemLength); // every value is written below
            if (numbers is List<float> list)
            {
                CollectionsMarshal.AsSpan(list).Slice(i * itemLength, itemLength).CopyTo(row);
            }
            else
            {
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = numbers[(i * itemLength) + j];
                }
            }

            items[i] = InferenceInput.FromTensor(row);
        }

        return items;
    }

    /// <summary>The images of a BYTES tensor of shape [N] or [N,1], or null with a problem.</summary>
    public static InferenceInput[]? ReadImages(string where, IReadOnlyList<long> shape, TensorSource data, List<string> problems)
    {
        if (shape.Count > 2 || (shape.Count == 2 && shape[1] != 1) || shape[0] < 1)
        {
            problems.Add($"{where}: BYTES input shape must be [N] or [N,1] with N ≥ 1 (is {Text(shape)}).");
            return null;
        }

        List<InferenceInput> images = [];
        switch (data)
        {
            case TensorSource.Raw raw:
                // Binary BYTES elements: a 4-byte little-endian length, then the bytes.
                var span = raw.Bytes.Span;
                while (span.Length > 0)
                {
                    if (span.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) > (uint)(span.Length - 4))
                    {
                        problems.Add($"{where}: Binary BYTES data is truncated: element {images.Count} has {span.Length} bytes left.");
                        return null;
                    }

                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                    images.Add(InferenceInput.FromImage(span.Slice(4, length).ToArray()));
                    span = span[(4 + length)..];
                }

                break;
            case TensorSource.Json json:
                if (!IsArray(where, json.Data, problems))
                {
                    return null;
                }

                if (json.Data.NotBase64 > 0)
                {
                    problems.Add($"{where}: BYTES data in JSON must be base64-encoded images, as strings or {{\"b64\": \"…\"}}; {json.Data.NotBase64} elements are not.");
                    return null;
                }

                images.AddRange(json.Data.Images.Select(InferenceInput.FromImage));
                break;
            case TensorSource.Elements elements:
                foreach (var element in elements.Values)
                {
                    images.Add(InferenceInput.FromImage(element.ToArray()));
                }

                break;
            default:
                problems.Add($"{where}: BYTES data must be elements (encoded images), not numbers.");
                return null;
        }

        if (images.Count != shape[0])
        {
            problems.Add($"{where}: BYTES data has {images.Count} elements; shape says {shape[0]}.");
            return null;
        }

        return [.. images];
    }

    /// <summary>The output rows as raw contents: the values one after the other as little-endian floats.</summary>
    public static byte[] RawFloats(IReadOnlyList<float[]> rows)
    {
        var values = 0;
        foreach (var row in rows)
        {
            values += row.Length;
        }

        var bytes = new byte[values * sizeof(float)];
        var offset = 0;
        foreach (var row in rows)
        {
            foreach (var v in row)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), v);
                offset += sizeof(float);
            }
        }

        return bytes;
    }

    /// <summary>The shape of <paramref name="model"/>'s output for <paramref name="rows"/> items.</summary>
    public static long[] OutputShape(ModelInfo model, int rows)
    {
        var shape = model.Output.Shape.ToArray();
        shape[0] = rows;
        return shape;
    }

    /// <summary>Little-endian floats as rows of <paramref name="itemLength"/> values.</summary>
    private static InferenceInput[] Rows(ReadOnlySpan<byte> bytes, int count, int itemLength)
    {
        var items = new InferenceInput[count];
        for (var i = 0; i < items.Length; i++)
        {
            var row = GC.AllocateUninitializedArray<float>(itemLength); // every value is written below
            var from = bytes.Slice(i * itemLength * sizeof(float), itemLength * sizeof(float));
            if (BitConverter.IsLittleEndian)
            {
                // The wire's byte order is the machine's: one block copy instead of a read per value.
                from.CopyTo(MemoryMarshal.AsBytes(row.AsSpan()));
            }
            else
            {
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = BinaryPrimitives.ReadSingleLittleEndian(from[(j * sizeof(float))..]);
                }
            }

            items[i] = InferenceInput.FromTensor(row);
        }

        return items;
    }

    /// <summary>A shape as the messages write it.</summary>
    public static string Text(IReadOnlyList<long> shape) => $"[{string.Join(',', shape)}]";

    /// <summary>The numbers of <paramref name="data"/> in row-major order, or null with a problem.</summary>
    private static List<float>? Numbers(string where, JsonData data, List<string> problems)
    {
        if (!IsArray(where, data, problems))
        {
            return null;
        }

        if (data.NotNumbers > 0)
        {
            problems.Add($"{where}: FP32 data must hold numbers; {data.NotNumbers} elements are not.");
        }

        if (data.OutOfRange > 0)
        {
            problems.Add($"{where}: FP32 data holds {data.OutOfRange} numbers beyond FP32's range.");
        }

        return data.NotNumbers + data.OutOfRange == 0 ? data.Numbers : null;
    }

    private static bool IsArray(string where, JsonData data, List<string> problems)
    {
        if (data.IsArray)
        {
            return true;
        }

        problems.Add($"{where}: 'data' must be an array (flat, or nested in row-major order).");
        return false;
    }
}
