using Argus.Cameras;

namespace Argus.Grains.Cameras;

/// <summary>The set of configured cameras (key 0), persisted, so cameras can be listed and kept running.</summary>
internal sealed class CameraRegistryGrain([PersistentState("cameras")] IPersistentState<HashSet<string>> cameras)
    : IdRegistryGrain(cameras), ICameraRegistryGrain;
