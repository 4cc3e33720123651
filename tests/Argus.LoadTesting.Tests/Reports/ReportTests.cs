using System.Globalization;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Reports;
using Argus.LoadTesting.Targets;
using Argus.LoadTesting.Tests.Load;
using Spectre.Console;

namespace Argus.LoadTesting.Tests.Reports;

public sealed class ReportTests
{
    private static LoadReport Report(string kind = "cpu")
    {
        var device = new DeviceUse(new DeviceInfo("s/dev0", kind, "P"), 3);
        var options = new LoadSweepOptions { Mode = LoadMode.RequestRate, SloMs = 25 };
        StepResult Step(double load, double[] latencies, long rejected) => new(
            LoadMode.RequestRate, load, WindowStatsTests.Window(2, latencies, batches: 1.5, rejected: rejected, failed: 1),
            Stable: load < 20, Trials: load < 20 ? 3 : 10, [device], options.SloMs, ImagesPerRequest: 1);
        return new LoadReport("http http://x/, \"quoted\"", options, [Step(10.5, [10, 20, 30], 0), Step(20, [40, 50, 60], 2)]);
    }

    [Fact]
    public void Csv_has_a_header_and_one_invariant_row_per_level()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // decimal comma: the CSV must not follow it
        string csv;
        try
        {
            var writer = new StringWriter();
            CsvReport.Write(writer, Report());
            csv = writer.ToString();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        var lines = csv.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Join(',', CsvReport.Columns), lines[0]);
        var first = Row(lines[1]);
        Assert.Equal(CsvReport.Columns.Count, first.Count);
        string Cell(string column) => first[CsvReport.Columns.ToList().IndexOf(column)];
        Assert.Equal("http http://x/, \"quoted\"", Cell("target"));
        Assert.Equal("request_rate", Cell("mode"));
        Assert.Equal("10.5", Cell("load"));
        Assert.Equal("1.5", Cell("infer_per_s"));
        Assert.Equal("20", Cell("p50_ms"));
        Assert.Equal("30", Cell("p99_ms"));
        Assert.Equal("0.5", Cell("goodput_share")); // 2 of 4 images sent within 25 ms
        Assert.Equal("0.25", Cell("error_share"));
        Assert.Equal("2", Cell("avg_batch_size"));
        Assert.Equal("true", Cell("stable"));
        Assert.Equal("cpu", Cell("device_kinds"));
        Assert.Equal("s/dev0=3", Cell("devices"));
        Assert.Equal("false", Cell("simulated"));
        var second = Row(lines[2]);
        Assert.Equal(["20", "0", "0.3333", "6", "10", "false"],
            new[] { "load", "goodput_share", "rejected_share", "images_sent", "trials", "stable" }.Select(c => second[CsvReport.Columns.ToList().IndexOf(c)]));
    }

    [Fact]
    public void Every_report_says_sim_when_a_simulated_device_answered()
    {
        var report = Report(kind: "sim");
        var writer = new StringWriter();
        CsvReport.Write(writer, report);
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 240;

        ConsoleReport.Write(console, report);

        Assert.True(report.Simulated);
        Assert.EndsWith(",sim,s/dev0=3,true", writer.ToString().Split('\n')[1].TrimEnd('\r'));
        Assert.Contains("SIMULATED: devices of kind 'sim' answered (s/dev0)", output.ToString());
        Assert.Contains("sim", ConsoleReport.StepLine(report.Steps[0]));
    }

    [Fact]
    public void Plots_are_written_as_png_files()
    {
        var dir = Directory.CreateTempSubdirectory("argus-plots-");
        try
        {
            var paths = PlotReport.Write(Path.Combine(dir.FullName, "new"), Report());

            Assert.Equal([PlotReport.LatencyFile, PlotReport.ThroughputFile], paths.Select(Path.GetFileName));
            foreach (var path in paths)
            {
                var bytes = File.ReadAllBytes(path);
                Assert.True(bytes.Length > 10_000, $"{path}: {bytes.Length} bytes");
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Splits one CSV row, honouring quotes.</summary>
    private static List<string> Row(string line)
    {
        List<string> cells = [];
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
