namespace Argus.Devices;

/// <summary>
/// The key of a <see cref="IDeviceGrain"/>: <c>{silo}/{device}</c>, e.g. <c>silo-0/cpu0</c>.
/// The grain is only ever activated on the silo the key names.
/// </summary>
public readonly record struct DeviceKey(string Silo, string Device)
{
    /// <summary>Parses <c>{silo}/{device}</c>.</summary>
    /// <exception cref="FormatException">The key has no single '/' separating two non-empty parts.</exception>
    public static DeviceKey Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new FormatException($"Device key '{key}' is not of the form '{{silo}}/{{device}}'.");
        }

        return new DeviceKey(key[..slash], key[(slash + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Silo}/{Device}";
}
