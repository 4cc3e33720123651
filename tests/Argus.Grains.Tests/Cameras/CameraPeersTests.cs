using Argus.Cameras;
using Argus.Devices;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class CameraPeersTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly CameraConfig Resnet = new() { Models = ["resnet18"] };

    [Fact]
    public void The_mean_is_over_the_cameras_that_reported_lately_itself_included()
    {
        var peers = new CameraPeers();
        var a = peers.Join(Resnet);
        var b = peers.Join(Resnet);
        var quiet = peers.Join(Resnet); // never reports: its source sent nothing
        var gone = peers.Join(Resnet);
        Assert.Null(a.MeanFps(T0));

        gone.Report(5, T0 - CameraPeers.Recent - TimeSpan.FromSeconds(1));
        a.Report(1, T0);
        b.Report(2, T0);

        Assert.Equal(1.5, a.MeanFps(T0));
        Assert.Equal(1.5, quiet.MeanFps(T0));
        Assert.Null(a.MeanFps(T0 + CameraPeers.Recent + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Cameras_that_contend_differently_are_not_peers_and_model_names_match_in_any_case_and_order()
    {
        var peers = new CameraPeers();
        var pair = new CameraConfig { Models = ["resnet18", "yolo"] };
        var member = peers.Join(pair);
        member.Report(1, T0);
        CameraConfig[] others =
        [
            pair with { Models = ["resnet18"] },
            pair with { Lane = Lane.Batch },
            pair with { Tenant = "b" },
            pair with { LatencyTargetMs = 500 },
        ];
        foreach (var other in others)
        {
            var stranger = peers.Join(other);
            stranger.Report(4, T0);
            Assert.Equal(1, member.MeanFps(T0));
        }

        var same = peers.Join(pair with { Models = ["YOLO", "ResNet18"] });
        same.Report(3, T0);
        Assert.Equal(2, member.MeanFps(T0));
    }

    [Fact]
    public void A_camera_that_leaves_no_longer_counts_and_leaving_twice_is_harmless()
    {
        var peers = new CameraPeers();
        var stays = peers.Join(Resnet);
        var leaves = peers.Join(Resnet);
        stays.Report(1, T0);
        leaves.Report(3, T0);

        leaves.Dispose();
        leaves.Dispose();

        Assert.Equal(1, stays.MeanFps(T0));
        stays.Dispose();
        Assert.Null(stays.MeanFps(T0));
        Assert.Null(peers.Join(Resnet).MeanFps(T0));
    }
}
