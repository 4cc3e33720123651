using System.Buffers;
using System.Runtime.InteropServices;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace Argus.Devices;

/// <summary>
/// How an <see cref="InferenceInput"/> crosses a grain call: the image as Orleans writes any <c>byte[]</c> (member 0), the
/// tensor as one block of floats in the machine's byte order, little-endian on x64 and arm64 (member 2). Orleans' own
/// codec for a <c>float[]</c> writes a field header and makes a call per value, which took about half the silo's CPU per
/// item on the SDK's tensor path (docs/BENCHMARKS.md, "CPU cost per item"). Member 1, that per-value form, is still read:
/// a silo of this version serves clients built before it, while a silo before it ignores member 2 and refuses the item
/// as empty.
/// </summary>
[RegisterSerializer]
internal sealed class InferenceInputCodec : IFieldCodec<InferenceInput>
{
    private const uint ImageId = 0;
    private const uint PerValueTensorId = 1;
    private const uint TensorId = 2;

    private readonly ArrayCodec<float> _perValue = new(new FloatCodec());

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, InferenceInput? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value))
        {
            return;
        }

        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(InferenceInput), WireType.TagDelimited);
        if (value.Image is { } image)
        {
            ByteArrayCodec.WriteField(ref writer, ImageId, image);
        }

        if (value.Tensor is { } tensor)
        {
            // Member ids are written as the difference from the one before: 2 after the image's 0, or after none.
            writer.WriteFieldHeaderExpected(TensorId, WireType.LengthPrefixed);
            var bytes = MemoryMarshal.AsBytes(tensor.AsSpan());
            writer.WriteVarUInt32((uint)bytes.Length);
            writer.Write(bytes);
        }

        writer.WriteEndObject();
    }

    public InferenceInput ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.IsReference)
        {
            return ReferenceCodec.ReadReference<InferenceInput, TInput>(ref reader, field)!;
        }

        field.EnsureWireTypeTagDelimited();
        var placeholder = ReferenceCodec.CreateRecordPlaceholder(reader.Session);
        byte[]? image = null;
        float[]? tensor = null;
        uint id = 0;
        while (reader.ReadFieldHeader() is { IsEndBaseOrEndObject: false } header)
        {
            id += header.FieldIdDelta;
            switch (id)
            {
                case ImageId:
                    image = ByteArrayCodec.ReadValue(ref reader, header);
                    break;
                case PerValueTensorId:
                    tensor = _perValue.ReadValue(ref reader, header);
                    break;
                case TensorId:
                    tensor = ReadBlock(ref reader, header);
                    break;
                default:
                    reader.ConsumeUnknownField(header);
                    break;
            }
        }

        var input = new InferenceInput { Image = image, Tensor = tensor };
        ReferenceCodec.RecordObject(reader.Session, input, placeholder);
        return input;
    }

    private static float[] ReadBlock<TInput>(ref Reader<TInput> reader, Field field)
    {
        field.EnsureWireType(WireType.LengthPrefixed);
        var length = reader.ReadVarUInt32();
        if (length % sizeof(float) != 0)
        {
            throw new SerializerException($"A tensor block of {length} bytes is not a whole number of floats.");
        }

        // Checked before the array is sized, so that a length claiming more than the message holds allocates nothing.
        reader.EnsureAvailable(length);
        var values = GC.AllocateUninitializedArray<float>((int)(length / sizeof(float))); // filled whole, or the read throws
        reader.ReadBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
