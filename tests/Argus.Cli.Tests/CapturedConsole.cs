using Spectre.Console;
using Spectre.Console.Rendering;

namespace Argus.Cli.Tests;

/// <summary>Runs the argus command, or renders what it writes, with the console output captured as plain text.</summary>
internal static class CapturedConsole
{
    /// <param name="args">The command line.</param>
    /// <param name="width">Console width; wide enough that the lines a test reads do not wrap.</param>
    public static async Task<(int Code, string Output)> RunAsync(string[] args, int width = 240)
    {
        var output = new StringWriter();
        var code = await ArgusCli.RunAsync(args, Create(output, width));
        return (code, output.ToString());
    }

    /// <summary>What <paramref name="view"/> looks like on a console <paramref name="width"/> wide.</summary>
    public static string Render(IRenderable view, int width = 240)
    {
        var output = new StringWriter();
        Create(output, width).Write(view);
        return output.ToString();
    }

    private static IAnsiConsole Create(StringWriter output, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = width;
        return console;
    }
}
