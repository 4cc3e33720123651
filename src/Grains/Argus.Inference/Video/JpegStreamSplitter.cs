using System.Buffers.Binary;

namespace Argus.Inference.Video;

/// <summary>
/// Cuts a stream of back-to-back JPEGs (ffmpeg's image2pipe output) into single JPEGs by walking their markers, not by
/// looking for FF D9: segments are skipped by their length, so an FF D9 inside one (an EXIF thumbnail, a comment) does
/// not end a frame, and entropy-coded data runs to the first FF that is neither a stuffed FF 00 nor a restart marker,
/// so progressive JPEGs and JPEGs with restart intervals come out whole. The walk resumes where the last read ended.
/// </summary>
internal sealed class JpegStreamSplitter(Stream input)
{
    /// <summary>The largest JPEG accepted: one that grows past it without an end is not a JPEG stream.</summary>
    public const int MaxFrameBytes = 64 << 20;

    private const byte Marker = 0xFF;
    private const byte StartOfImage = 0xD8;
    private const byte EndOfImage = 0xD9;
    private const byte StartOfScan = 0xDA;

    private byte[] _buffer = new byte[256 << 10];
    private int _length;

    // Where the current JPEG starts in the buffer, or -1 while looking for the next one.
    private int _frameStart = -1;

    // Where the walk goes on: the next marker, or within entropy-coded data, the first byte not yet looked at.
    private int _next;
    private bool _inScan;

    /// <summary>The next whole JPEG, or null at the end of the stream; a JPEG cut short there is dropped.</summary>
    /// <exception cref="InvalidDataException">Bytes where a JPEG marker must be are not one, or a JPEG outgrows <see cref="MaxFrameBytes"/>.</exception>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Cut() is { } frame)
            {
                return frame;
            }

            MakeRoom();
            var read = await input.ReadAsync(_buffer.AsMemory(_length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _length += read;
        }
    }

    /// <summary>Walks the buffered bytes and returns the first JPEG that ends in them, or null when it needs more.</summary>
    private byte[]? Cut()
    {
        while (true)
        {
            if (_frameStart < 0 && !FindStart())
            {
                return null;
            }

            if (_inScan && !SkipScan())
            {
                return null;
            }

            if (_next + 2 > _length)
            {
                return null;
            }

            if (_buffer[_next] != Marker)
            {
                throw new InvalidDataException(
                    $"Not a JPEG stream: byte {_next - _frameStart} of a frame is 0x{_buffer[_next]:X2} where a marker must start.");
            }

            var marker = _buffer[_next + 1];
            switch (marker)
            {
                case Marker:
                    // A fill byte before a marker.
                    _next++;
                    continue;
                case EndOfImage:
                    var end = _next + 2;
                    var frame = _buffer.AsSpan(_frameStart, end - _frameStart).ToArray();
                    _frameStart = -1;
                    _next = end;
                    return frame;
                case StartOfImage:
                    throw new InvalidDataException($"Not a JPEG stream: a JPEG starts at byte {_next - _frameStart} of another.");
                case 0x01 or (>= 0xD0 and <= 0xD7):
                    // TEM and the restart markers stand alone, without a length.
                    _next += 2;
                    continue;
            }

            if (_next + 4 > _length)
            {
                return null;
            }

            // The length counts itself, not the marker.
            var length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_next + 2));
            if (length < 2)
            {
                throw new InvalidDataException($"Not a JPEG stream: segment 0x{marker:X2} at byte {_next - _frameStart} of a frame has length {length}.");
            }

            if (_next + 2 + length > _length)
            {
                return null;
            }

            _next += 2 + length;
            _inScan = marker == StartOfScan;
        }
    }

    /// <summary>Finds the next start of image; bytes before it are not part of any JPEG.</summary>
    private bool FindStart()
    {
        var soi = _buffer.AsSpan(_next, _length - _next).IndexOf([Marker, StartOfImage]);
        if (soi < 0)
        {
            // A last FF may be the first half of the start.
            _next = _length > _next && _buffer[_length - 1] == Marker ? _length - 1 : _length;
            return false;
        }

        _frameStart = _next + soi;
        _next = _frameStart + 2;
        return true;
    }

    /// <summary>Skips entropy-coded data up to the marker that ends it; false when it runs past the buffered bytes.</summary>
    private bool SkipScan()
    {
        while (true)
        {
            var ff = _buffer.AsSpan(_next, _length - _next).IndexOf(Marker);
            if (ff < 0)
            {
                _next = _length;
                return false;
            }

            var at = _next + ff;
            if (at + 1 == _length)
            {
                _next = at;
                return false;
            }

            if (_buffer[at + 1] is 0x00 or (>= 0xD0 and <= 0xD7))
            {
                _next = at + 2;
                continue;
            }

            _next = at;
            _inScan = false;
            return true;
        }
    }

    /// <summary>Drops what is done with (returned JPEGs, bytes between them), then grows the buffer if it is still full.</summary>
    private void MakeRoom()
    {
        var keep = _frameStart >= 0 ? _frameStart : _next;
        if (keep > 0)
        {
            _buffer.AsSpan(keep, _length - keep).CopyTo(_buffer);
            _length -= keep;
            _next -= keep;
            if (_frameStart >= 0)
            {
                _frameStart = 0;
            }
        }

        if (_length < _buffer.Length)
        {
            return;
        }

        if (_buffer.Length >= MaxFrameBytes)
        {
            throw new InvalidDataException($"Not a JPEG stream: a JPEG runs past {MaxFrameBytes >> 20} MiB without ending.");
        }

        Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxFrameBytes));
    }
}
