using System.Buffers.Binary;
using System.Text;

namespace Argus.Inference.Imaging;

/// <summary>An encoded image's format.</summary>
public enum ImageFormat
{
    /// <summary>JPEG (JFIF, EXIF).</summary>
    Jpeg,

    /// <summary>PNG.</summary>
    Png,

    /// <summary>Windows bitmap.</summary>
    Bmp,

    /// <summary>WebP (lossy, lossless or extended).</summary>
    WebP,
}

/// <summary>
/// What an encoded image's header declares, read without decoding: the format and the size it claims. Lets the
/// decoder refuse a decompression bomb (a tiny file that declares a huge image) or a truncated file before it costs memory.
/// </summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height)
{
    // Byte literals, not u8 strings: "\xFF"u8 would be the UTF-8 encoding of U+00FF.
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegEndOfImage => [0xFF, 0xD9];

    /// <summary>Reads the header, or explains why the bytes are not a supported, complete image.</summary>
    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new InvalidInputException("The image is empty (zero bytes).");
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ReadJpeg(data);
        }

        if (data.StartsWith(PngSignature))
        {
            return ReadPng(data);
        }

        if (data.Length >= 26 && data.StartsWith("BM"u8))
        {
            return ReadBmp(data);
        }

        if (data.Length >= 30 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ReadWebP(data);
        }

        throw new InvalidInputException("Not a supported image: expected JPEG, PNG, BMP or WebP.");
    }

    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> data)
    {
        var pos = 2;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF)
            {
                throw new InvalidInputException("Corrupt JPEG: bad marker.");
            }

            var marker = data[pos + 1];
            if (marker == 0xFF)
            {
                pos++; // fill byte
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (pos + 9 > data.Length)
                {
                    break;
                }

                var height = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 7)..]);
                if (!EndsWithJpegEoi(data, pos))
                {
                    throw new InvalidInputException("Truncated JPEG: the end-of-image marker is missing.");
                }

                CheckJpegBlocks(data, pos, width, height);
                return new ImageHeader(ImageFormat.Jpeg, width, height);
            }

            if (marker == 0xDA)
            {
                break; // start of scan before any frame header
            }

            pos += 2 + length;
        }

        throw new InvalidInputException("Truncated or corrupt JPEG: no frame header.");
    }

    /// <summary>
    /// Every 8×8 block of every component costs at least one bit: its DC difference has a Huffman code of 1 to 16 bits,
    /// in every scan order. A 913-byte JPEG whose frame header declared 8000×5000 decoded anyway (libjpeg fills what is
    /// missing with grey) in 2 to 5 s and 120 MB; the bits its blocks need are counted here, from the frame header's
    /// sampling factors, and a file too small to hold them is refused. Arithmetic-coded JPEGs (rare: no camera or
    /// browser writes them) could code a flat block in less and are held to the same bound.
    /// </summary>
    private static void CheckJpegBlocks(ReadOnlySpan<byte> data, int frameStart, int width, int height)
    {
        if (width == 0 || height == 0)
        {
            return; // an empty image, refused as such by the decoder's check
        }

        var components = frameStart + 10 <= data.Length ? data[frameStart + 9] : 0;
        var sampling = frameStart + 10 + 3 * components <= data.Length ? data.Slice(frameStart + 10, 3 * components) : [];
        if (components == 0 || sampling.IsEmpty)
        {
            throw new InvalidInputException("Truncated or corrupt JPEG: the frame header lists no components.");
        }

        var (maxH, maxV) = (1, 1);
        for (var c = 0; c < components; c++)
        {
            var (h, v) = (sampling[3 * c + 1] >> 4, sampling[3 * c + 1] & 0xF);
            if (h is < 1 or > 4 || v is < 1 or > 4)
            {
                throw new InvalidInputException($"Corrupt JPEG: component {c} has sampling factors {h}×{v}; each must be 1 to 4.");
            }

            (maxH, maxV) = (Math.Max(maxH, h), Math.Max(maxV, v));
        }

        long bits = 0;
        for (var c = 0; c < components; c++)
        {
            var (h, v) = (sampling[3 * c + 1] >> 4, sampling[3 * c + 1] & 0xF);
            bits += Blocks(Blocks(width * (long)h, maxH), 8) * Blocks(Blocks(height * (long)v, maxV), 8);
        }

        if (bits > 8L * data.Length)
        {
            throw new InvalidInputException(
                $"Truncated JPEG: {width}×{height} pixels need at least {Blocks(bits, 8)} bytes (a bit per 8×8 block), {data.Length} arrived.");
        }

        static long Blocks(long length, long size) => (length + size - 1) / size;
    }

    /// <summary>
    /// A complete JPEG ends with FF D9. Encoders and cameras may append padding or trailers, so the marker is looked
    /// for near the end, after the frame header (an embedded thumbnail's own marker sits before it).
    /// </summary>
    private static bool EndsWithJpegEoi(ReadOnlySpan<byte> data, int frameStart)
    {
        var tailStart = Math.Max(frameStart, data.Length - 4096);
        return data[tailStart..].LastIndexOf(JpegEndOfImage) >= 0;
    }

    private static ImageHeader ReadPng(ReadOnlySpan<byte> data)
    {
        if (data.Length < 24 || !data[12..16].SequenceEqual("IHDR"u8))
        {
            throw new InvalidInputException("Truncated or corrupt PNG: no IHDR chunk.");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        if (data.Length < 24 + 12 || !data[^8..^4].SequenceEqual("IEND"u8))
        {
            throw new InvalidInputException("Truncated PNG: the IEND chunk is missing.");
        }

        CheckPngChunks(data);
        return new ImageHeader(ImageFormat.Png, Clamp(width), Clamp(height));
    }

    /// <summary>
    /// Walks the chunks' lengths (a few per image, one per ~8 KB of pixels): a chunk that declares more bytes than
    /// the file has (seen: 4 GB in a 5 KB file) made OpenCV's decoder work for seconds on one image.
    /// </summary>
    private static void CheckPngChunks(ReadOnlySpan<byte> data)
    {
        var pos = PngSignature.Length;
        while (pos + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = data.Slice(pos + 4, 4);
            if (length > (uint)(data.Length - pos - 12))
            {
                throw new InvalidInputException(
                    $"Corrupt PNG: the chunk at byte {pos} ('{Encoding.Latin1.GetString(type)}') declares {length} bytes; {data.Length - pos - 12} remain.");
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return;
            }

            pos += 12 + (int)length;
        }

        throw new InvalidInputException("Truncated PNG: its chunks end before the IEND chunk.");
    }

    private static ImageHeader ReadBmp(ReadOnlySpan<byte> data)
    {
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        int width, height;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(data[22..]);
            if (height == int.MinValue)
            {
                // Its magnitude is no int: Math.Abs would throw instead of refusing the image.
                throw new InvalidInputException($"Corrupt BMP: the header declares a height of {height}.");
            }

            height = Math.Abs(height); // negative: stored top-down
        }

        var fileSize = BinaryPrimitives.ReadUInt32LittleEndian(data[2..]);
        if (fileSize > data.Length)
        {
            throw new InvalidInputException($"Truncated BMP: the header declares {fileSize} bytes, {data.Length} arrived.");
        }

        CheckBmpPixels(data, headerSize, width, height);
        return new ImageHeader(ImageFormat.Bmp, width, height);
    }

    /// <summary>
    /// An uncompressed BMP's pixels take rows × stride bytes: a 54-byte file declaring 6000×6000 (its file size field
    /// set to 54) would otherwise have the decoder allocate 100 MB before it finds the pixels missing. A run-length
    /// encoded one (RLE8, RLE4) takes two bytes per run of at most 255 pixels: a 1 KB RLE8 file declaring 8000×5000 and
    /// ending its bitmap at once decoded in 1.5 s and 120 MB. The RLE escapes that skip pixels (a delta, an early end) are
    /// not counted, so a sparse RLE image larger than its runs is refused too: no camera or browser writes RLE bitmaps.
    /// </summary>
    private static void CheckBmpPixels(ReadOnlySpan<byte> data, uint headerSize, int width, int height)
    {
        const uint Uncompressed = 0, Rle8 = 1, Rle4 = 2, BitFields = 3;
        var core = headerSize == 12;
        if (!core && data.Length < 34)
        {
            return; // no bit depth to reckon with: the decoder refuses what it cannot read
        }

        var bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[(core ? 24 : 28)..]);
        var compression = core ? Uncompressed : BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
        if (compression is not (Uncompressed or BitFields or Rle8 or Rle4) || bitsPerPixel is 0 or > 32 || width <= 0 || height <= 0)
        {
            return;
        }

        var pixelsAt = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var stride = compression is Rle8 or Rle4 ? ((long)width + 254) / 255 * 2 : ((long)width * bitsPerPixel + 31) / 32 * 4;
        var needed = pixelsAt + stride * height;
        if (needed > data.Length)
        {
            throw new InvalidInputException(
                $"Truncated BMP: {width}×{height} at {bitsPerPixel} bits per pixel{(compression is Rle8 or Rle4 ? ", run-length encoded," : "")} needs {needed} bytes, {data.Length} arrived.");
        }
    }

    private static ImageHeader ReadWebP(ReadOnlySpan<byte> data)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffSize + 8L > data.Length)
        {
            throw new InvalidInputException($"Truncated WebP: the header declares {riffSize + 8L} bytes, {data.Length} arrived.");
        }

        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            var width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            var height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
            return new ImageHeader(ImageFormat.WebP, width, height);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return new ImageHeader(ImageFormat.WebP, (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            var width = (data[24] | data[25] << 8 | data[26] << 16) + 1;
            var height = (data[27] | data[28] << 8 | data[29] << 16) + 1;
            return new ImageHeader(ImageFormat.WebP, width, height);
        }

        throw new InvalidInputException("Corrupt WebP: unknown first chunk.");
    }

    private static int Clamp(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
