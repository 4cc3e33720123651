using Argus.Inference.Imaging;
using Argus.Testing.Fuzzing;

namespace Argus.Inference.Tests.Imaging;

/// <summary>
/// The image header check and the decoder, fuzzed from small real images of every format (<c>Fuzzing/Corpus/images</c>):
/// an image is accepted or refused with <see cref="InvalidInputException"/>, never anything else; the check allocates
/// nothing in proportion to the sizes a header declares; and what decodes has the size its header declared, so the
/// limits checked on the header are the limits on what the decoder allocates.
/// </summary>
public sealed class ImageFuzzTests
{
    private const string Parser = "images";

    // The header check reads a few fields: it may allocate a refusal's message, never a buffer.
    private const long CheckBytes = 16 << 10;

    private static readonly ImageLimits Limits = new();

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
            });
            return 0;
        });
    }
}
