using System.Runtime.Versioning;
using Argus.Inference.Video;

namespace Argus.Inference.Tests.Video;

public sealed class FfmpegCommandTests
{
    [Theory]
    [InlineData(100, 2)]
    [InlineData(90, 2)]
    [InlineData(85, 3)]
    [InlineData(80, 4)]
    [InlineData(75, 5)]
    [InlineData(70, 6)]
    [InlineData(50, 10)]
    [InlineData(25, 20)]
    [InlineData(10, 31)]
    [InlineData(0, 31)]
    public void Jpeg_quality_maps_to_ffmpegs_quantiser_by_libjpegs_table_scale(int quality, int qscale) =>
        Assert.Equal(qscale, FfmpegCommand.QScale(quality));

    [Fact]
    public void An_rtsp_stream_is_read_over_tcp_with_a_stall_timeout_into_jpegs_on_stdout()
    {
        var source = VideoSource.Parse("rtsp://admin:secret@10.0.0.5:554/live", storage: null);

        var arguments = FfmpegCommand.Arguments(source, new VideoSourceOptions { Source = source.Location });

        Assert.Equal(
            "-nostdin -hide_banner -loglevel error -rtsp_transport tcp -timeout 5000000 -i rtsp://admin:secret@10.0.0.5:554/live " +
            "-map 0:v:0 -fps_mode passthrough -f image2pipe -c:v mjpeg -q:v 3 -",
            string.Join(' ', arguments));
    }

    [Fact]
    public void An_http_stream_has_no_rtsp_transport_and_a_cap_selects_frames_without_repeating_any()
    {
        var source = VideoSource.Parse("http://10.0.0.5/lobby.mjpg", storage: null);

        var arguments = FfmpegCommand.Arguments(source, new VideoSourceOptions { Source = source.Location, MaxFps = 5, JpegQuality = 75 }).ToList();

        Assert.DoesNotContain("-rtsp_transport", arguments);
        Assert.Equal("select='isnan(prev_selected_t)+lt(t,prev_selected_t)+gte(t-prev_selected_t,0.199)'", arguments[arguments.IndexOf("-vf") + 1]);
        Assert.Equal("5", arguments[arguments.IndexOf("-q:v") + 1]);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Ffmpeg_is_found_on_path_only_as_an_executable_file()
    {
        var folder = Directory.CreateTempSubdirectory("argus-ffmpeg-");
        try
        {
            var source = VideoSource.Parse("rtsp://admin:secret@10.0.0.5:554/live", storage: null);
            var empty = Directory.CreateDirectory(Path.Combine(folder.FullName, "empty")).FullName;
            var bin = Directory.CreateDirectory(Path.Combine(folder.FullName, "bin")).FullName;
            var ffmpeg = Path.Combine(bin, "ffmpeg");
            File.WriteAllText(ffmpeg, "#!/bin/sh\n");

            var missing = Assert.Throws<ArgumentException>(() => FfmpegCommand.Locate(source, $"{empty}:{bin}"));
            File.SetUnixFileMode(ffmpeg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            Assert.Equal(
                "The video source rtsp://10.0.0.5:554/live is a network stream, and network video sources need Debian's ffmpeg " +
                "(apt-get install ffmpeg): there is no ffmpeg on PATH. (Parameter 'source')",
                missing.Message);
            Assert.Equal(ffmpeg, FfmpegCommand.Locate(source, $"{empty}::{bin}"));
            Assert.Throws<ArgumentException>(() => FfmpegCommand.Locate(source, null));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
