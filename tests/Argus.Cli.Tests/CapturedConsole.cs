using Spectre.Console;

namespace Argus.Cli.Tests;

/// <summary>Runs the argus command with its console output captured as plain text.</summary>
internal static class CapturedConsole
{
    /// <param name="args">The command line.</param>
    /// <param name="width">Console width; wide enough that the lines a test reads do not wrap.</param>
    public static async Task<(int Code, string Output)> RunAsync(string[] args, int width = 240)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = width;
        var code = await ArgusCli.RunAsync(args, console);
        return (code, output.ToString());
    }
}
