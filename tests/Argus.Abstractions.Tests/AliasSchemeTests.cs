using System.Reflection;
using Argus.Devices;

namespace Argus.Abstractions.Tests;

/// <summary>Every contract follows the alias scheme of src/Grains/Argus.Abstractions/README.md.</summary>
public sealed class AliasSchemeTests
{
    private static readonly Type[] Contracts = typeof(IDeviceGrain).Assembly.GetExportedTypes();

    public static TheoryData<Type> GrainInterfaces => [.. Contracts.Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t))];

    public static TheoryData<Type> SerializedTypes => [.. Contracts.Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null)];

    [Theory]
    [MemberData(nameof(GrainInterfaces))]
    [MemberData(nameof(SerializedTypes))]
    public void A_type_is_aliased_by_its_namespace_and_name(Type type) =>
        Assert.Equal($"{type.Namespace}.{type.Name}", Assert.Single(type.GetCustomAttributes<AliasAttribute>(inherit: false)).Alias);

    [Theory]
    [MemberData(nameof(GrainInterfaces))]
    public void A_grain_method_is_aliased_by_its_name_without_Async(Type grain)
    {
        var methods = grain.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);

        Assert.NotEmpty(methods);
        Assert.All(methods, m => Assert.Equal(
            m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^"Async".Length] : m.Name,
            m.GetCustomAttribute<AliasAttribute>()?.Alias));
    }
}
