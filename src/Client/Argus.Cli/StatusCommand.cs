using System.CommandLine;
using System.Globalization;
using Argus.Devices;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus status</c>: every device of the cluster with its models, queues and counters.</summary>
internal static class StatusCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("status", "Shows the cluster's silos and devices: models, queue depth, batches, load.");
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var devices = await client.GetDevicesAsync(cancellationToken);
            if (devices.Count == 0)
            {
                console.MarkupLine("[yellow]No device has reported yet: is a silo running and warm?[/]");
                return 1;
            }

            var table = new Table().AddColumns(
                "Device", "Kind", "Provider", "Models", "Queue (rt/int/batch)", "Expected wait ms", "Batches", "Items", "Avg batch", "Busy");
            foreach (var load in devices)
            {
                var s = await client.GetDeviceStatusAsync(DeviceKey.Parse(load.Key));
                table.AddRow(
                    load.Key, s.Kind, s.ExecutionProvider, string.Join(", ", s.Models.Select(m => $"{m.Name} v{m.Version}")),
                    string.Join('/', Enum.GetValues<Lane>().Select(l => s.QueueDepth.GetValueOrDefault(l))),
                    load.ExpectedWaitMs.ToString("F1", CultureInfo.InvariantCulture),
                    s.BatchesRun.ToString(CultureInfo.InvariantCulture), s.ItemsRun.ToString(CultureInfo.InvariantCulture),
                    s.AverageBatchSize.ToString("F2", CultureInfo.InvariantCulture), s.BusyFraction.ToString("P0", CultureInfo.InvariantCulture));
            }

            console.Write(table);
            console.MarkupLineInterpolated($"{devices.Select(d => d.Silo).Distinct().Count()} silo(s), {devices.Count} device(s).");
            return 0;
        }, cancellationToken));
        return command;
    }
}
