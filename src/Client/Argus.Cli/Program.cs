using Argus.Cli;
using Spectre.Console;

return await ArgusCli.RunAsync(args, AnsiConsole.Console);
