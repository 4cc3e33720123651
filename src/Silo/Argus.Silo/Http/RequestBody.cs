using System.Buffers;

namespace Argus.Silo.Http;

/// <summary>
/// A request's body: its first <see cref="Length"/> bytes of <see cref="Array"/>, which is rented from the shared pool
/// when read by <see cref="HttpErrors.ReadRentedBodyAsync"/> and at most <see cref="MaxRented"/> long. Disposing returns a
/// rented array; nothing may read the body after that.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    /// <summary>
    /// The longest body read into a rented array: the shared pool keeps what it is given back (a few arrays per size, per
    /// core and per thread), so a burst of large bodies would stay in memory. Eight text-direction tensors, or one
    /// ResNet's, fit; a larger body is its own array (on the large-object heap, next to a model call of its size).
    /// </summary>
    public const int MaxRented = 1024 * 1024;

    private readonly bool _rented;
    private byte[]? _array;

    /// <summary>A body of <paramref name="length"/> bytes, in a rented array (when asked to and not too long) or one of its own.</summary>
    public RequestBody(int length, bool rent)
    {
        _rented = rent && length <= MaxRented;
        _array = _rented ? ArrayPool<byte>.Shared.Rent(length) : new byte[length];
        Length = length;
    }

    /// <summary>A body already read into an array of its own length.</summary>
    public RequestBody(byte[] array)
    {
        _array = array;
        Length = array.Length;
    }

    /// <summary>The array holding the body (longer than it when rented).</summary>
    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(RequestBody));

    /// <summary>The body's length in bytes.</summary>
    public int Length { get; }

    /// <summary>The body's bytes.</summary>
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array && _rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
