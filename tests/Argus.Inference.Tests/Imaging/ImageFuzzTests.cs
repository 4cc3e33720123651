using System.Buffers.Binary;
using Argus.Inference.Imaging;
using Argus.Testing.Fuzzing;
using CsCheck;

namespace Argus.Inference.Tests.Imaging;

/// <summary>
/// The image header check and the decoder, fuzzed from small real images of every format (<c>Fuzzing/Corpus/images</c>):
/// an image is accepted or refused with <see cref="InvalidInputException"/>, never anything else; the check allocates
/// nothing in proportion to the sizes a header declares; and what decodes has the size its header declared, so the
/// limits checked on the header are the limits on what the decoder allocates. A JPEG or BMP decodes to no more pixels
/// than its bytes can code (a bit per 8×8 block, a run of 255 pixels in two bytes): the bombs that fit in the limits, a
/// 1 KB file declaring 8000×5000, are refused from the header too (two kept crashers in the corpus).
/// </summary>
public sealed class ImageFuzzTests
{
    private const string Parser = "images";

    // The header check reads a few fields: it may allocate a refusal (its message, its stack trace), never a buffer.
    private const long CheckBytes = 64 << 10;

    private static readonly ImageLimits Limits = new();

    // The most pixels a byte of JPEG codes (a grey 8×8 block in one bit) is also above what a byte of BMP does.
    private const long MaxPixelsPerByte = 64 * 8;

    private static readonly byte[][] Tokens =
    [
        [0xFF, 0xD8], [0xFF, 0xD9], [0xFF, 0xC0, 0x00, 0x11], [0xFF, 0xC2], [0xFF, 0xDA], [0xFF, 0xC4], [0xFF, 0xFF], [0xFF, 0xE1, 0xFF, 0xFF],
        "IHDR"u8.ToArray(), "IDAT"u8.ToArray(), "IEND"u8.ToArray(), "PLTE"u8.ToArray(),
        "RIFF"u8.ToArray(), "WEBP"u8.ToArray(), "VP8 "u8.ToArray(), "VP8L"u8.ToArray(), "VP8X"u8.ToArray(), "ALPH"u8.ToArray(), "BM"u8.ToArray(),
    ];

    [Fact]
    public void The_corpus_and_every_kept_crasher_are_checked_and_decoded_or_refused() => Fuzz.Replay(Parser, CheckAndDecode);

    [Fact]
    public void Mutated_images_are_checked_and_decoded_or_refused() =>
        Fuzz.Run(Parser, Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], Tokens), CheckAndDecode, image => image);

    [Fact]
    public void Images_whose_header_declares_any_size_are_refused_or_decode_to_what_their_bytes_hold() =>
        Fuzz.Run(Parser, Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[1, 70000], Gen.Int[1, 70000],
                (seed, width, height) => Declaring(Seeds[seed], width, height)),
            CheckAndDecode, image => image);

    // The real images of the corpus: the kept crashers have no header to rewrite.
    private static readonly byte[][] Seeds = [.. Fuzz.Corpus(Parser).Where(f => !f.Name.StartsWith("crash-", StringComparison.Ordinal)).Select(f => f.Bytes)];

    /// <summary>The image with the size its header declares set to <paramref name="width"/>×<paramref name="height"/>, where the format has room for it.</summary>
    private static byte[] Declaring(byte[] original, int width, int height)
    {
        var image = original.ToArray();
        var span = image.AsSpan();
        switch (ImageHeader.Read(original).Format)
        {
            case ImageFormat.Jpeg:
                var frame = span.IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
                BinaryPrimitives.WriteUInt16BigEndian(span[(frame + 5)..], (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(span[(frame + 7)..], (ushort)width);
                break;
            case ImageFormat.Png:
                BinaryPrimitives.WriteInt32BigEndian(span[16..], width);
                BinaryPrimitives.WriteInt32BigEndian(span[20..], height);
                break;
            case ImageFormat.Bmp:
                BinaryPrimitives.WriteInt32LittleEndian(span[18..], width);
                BinaryPrimitives.WriteInt32LittleEndian(span[22..], height);
                break;
            case ImageFormat.WebP when span[12..16].SequenceEqual("VP8 "u8):
                BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)(width & 0x3FFF));
                BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)(height & 0x3FFF));
                break;
            case ImageFormat.WebP when span[12..16].SequenceEqual("VP8L"u8):
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(span[21..]) & 0xF0000000;
                BinaryPrimitives.WriteUInt32LittleEndian(span[21..], bits | (uint)((width - 1) & 0x3FFF) | (uint)((height - 1) & 0x3FFF) << 14);
                break;
            case ImageFormat.WebP:
                span[24] = (byte)(width - 1);
                span[25] = (byte)((width - 1) >> 8);
                span[26] = (byte)((width - 1) >> 16);
                span[27] = (byte)(height - 1);
                span[28] = (byte)((height - 1) >> 8);
                span[29] = (byte)((height - 1) >> 16);
                break;
        }

        return image;
    }

    private static void CheckAndDecode(byte[] image)
    {
        var header = Fuzz.Bounded(CheckBytes, () =>
        {
            ImageHeader? checkedHeader = null;
            Fuzz.Only<InvalidInputException>(() => checkedHeader = ImageDecoder.Check(image, Limits));
            return checkedHeader;
        });
        if (header is not { } declared)
        {
            return;
        }

        // OpenCV allocates natively, out of the managed count: what bounds it is that the decoded size is the checked one.
        Fuzz.Bounded(CheckBytes + 4L * image.Length, () =>
        {
            Fuzz.Only<InvalidInputException>(() =>
            {
                using var pixels = ImageDecoder.Decode(image, Limits);
                if (pixels.Width != declared.Width || pixels.Height != declared.Height)
                {
                    throw new FuzzException($"The header declared {declared.Width}×{declared.Height}; the decoder made {pixels.Width}×{pixels.Height}.");
                }

                if (declared.Format is ImageFormat.Jpeg or ImageFormat.Bmp && (long)pixels.Width * pixels.Height > MaxPixelsPerByte * image.Length)
                {
                    throw new FuzzException(
                        $"{image.Length} bytes of {declared.Format} decoded to {pixels.Width}×{pixels.Height} pixels: more than its bytes can code, filled in by the decoder.");
                }
            });
            return 0;
        });
    }
}
