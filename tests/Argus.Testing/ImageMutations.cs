namespace Argus.Testing;

/// <summary>Seeded damage to an encoded image, as a broken camera or a hostile client sends it.</summary>
public static class ImageMutations
{
    /// <summary>One to three of: a header byte or int set to an extreme, a random byte changed, the tail cut, bytes inserted.</summary>
    public static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(Math.Min(bytes.Count, random.Next(2) == 0 ? 40 : bytes.Count));
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    var extreme = random.Next(4) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => -1, _ => 0 };
                    var word = BitConverter.GetBytes(extreme);
                    for (var k = 0; k < 4 && at + k < bytes.Count; k++)
                    {
                        bytes[at + k] = word[k];
                    }

                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at));
                    break;
            }
        }

        return [.. bytes];
    }
}
