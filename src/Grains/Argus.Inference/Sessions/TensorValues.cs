using System.Numerics;
using System.Runtime.InteropServices;

namespace Argus.Inference.Sessions;

/// <summary>Checks over a tensor's values that run on every item a caller sends, so they are vectorised and allocate nothing.</summary>
public static class TensorValues
{
    // A float is NaN or infinite exactly when its exponent bits are all ones.
    private const uint ExponentMask = 0x7F80_0000;

    /// <summary>Whether every value is finite (neither NaN nor infinite).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var mask = new Vector<uint>(ExponentMask);
        var i = 0;
        for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
        {
            if (Vector.EqualsAny(new Vector<uint>(bits[i..]) & mask, mask))
            {
                return false;
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentMask) == ExponentMask)
            {
                return false;
            }
        }

        return true;
    }
}
