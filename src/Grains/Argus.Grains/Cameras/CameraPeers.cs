using Argus.Cameras;
using Argus.Devices;

namespace Argus.Grains.Cameras;

/// <summary>
/// The cameras of this silo that contend for the same devices alike (the same models, lane, tenant and latency target)
/// and the share each analyses at lately (<see cref="FrameShare"/>), so a camera can tell whether it takes more than its
/// peers. A late frame then cuts a camera at or over its peers' mean and spares one under it. When every camera cut
/// alike, the shares ended as uneven as the late frames each happened to meet (docs/BENCHMARKS.md, the cameras past
/// saturation). A camera counts while it has reported within <see cref="Recent"/>, so one whose source went quiet does
/// not hold the mean at its old share. Peers on other silos are not seen: across silos each camera's own late frames still
/// share the devices. Thread-safe: the grains of every camera of the silo use it.
/// </summary>
internal sealed class CameraPeers
{
    /// <summary>How long a camera's last report counts: a camera at the smallest share reports about this often.</summary>
    internal static readonly TimeSpan Recent = TimeSpan.FromSeconds(1 / FrameShare.MinimumFps);

    private readonly Lock _gate = new();
    private readonly Dictionary<Group, List<Member>> _groups = [];

    /// <summary>Adds a camera to the group of its <paramref name="config"/>; it counts from its first report.</summary>
    public Member Join(CameraConfig config)
    {
        var group = new Group(
            config.Lane, config.Tenant, config.LatencyTargetMs,
            string.Join('\n', config.Models.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal)));
        var member = new Member(this, group);
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var members))
            {
                _groups.Add(group, members = []);
            }

            members.Add(member);
        }

        return member;
    }

    private double? MeanOf(Group group, DateTime now)
    {
        lock (_gate)
        {
            var sum = 0.0;
            var count = 0;
            foreach (var member in _groups.GetValueOrDefault(group) ?? [])
            {
                if (member.Reported is { } at && now - at <= Recent)
                {
                    sum += member.Fps;
                    count++;
                }
            }

            return count == 0 ? null : sum / count;
        }
    }

    private void Leave(Member member)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(member.Of, out var members) && members.Remove(member) && members.Count == 0)
            {
                _groups.Remove(member.Of);
            }
        }
    }

    /// <summary>Cameras in one group contend for the same devices alike; models are compared in lower case, in any order.</summary>
    internal readonly record struct Group(Lane Lane, string? Tenant, double LatencyTargetMs, string Models);

    /// <summary>One camera in its group; disposing it leaves the group.</summary>
    internal sealed class Member(CameraPeers peers, Group of) : IDisposable
    {
        internal Group Of { get; } = of;

        internal double Fps { get; private set; }

        internal DateTime? Reported { get; private set; }

        /// <summary>Reports the camera's share in fps at <paramref name="at"/>.</summary>
        public void Report(double fps, DateTime at)
        {
            lock (peers._gate)
            {
                Fps = fps;
                Reported = at;
            }
        }

        /// <summary>The mean share of the group's cameras that reported lately, this one's included; null when none did.</summary>
        public double? MeanFps(DateTime now) => peers.MeanOf(Of, now);

        public void Dispose() => peers.Leave(this);
    }
}
