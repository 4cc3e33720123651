using System.Text;
using Argus.Grains.Jobs;
using Argus.Testing.Fuzzing;

namespace Argus.Grains.Tests.Jobs;

/// <summary>
/// A job's cron schedule, fuzzed from real expressions (<c>Fuzzing/Corpus/cron</c>): each is refused with a problem or
/// accepted, never an exception, in bounded time, and an accepted one has a next run after the time it was submitted.
/// </summary>
public sealed class JobScheduleFuzzTests
{
    private const string Parser = "cron";

    private static readonly DateTime Submitted = new(2026, 12, 6, 16, 0, 0, DateTimeKind.Utc);

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            " ", "*", "/", "-", ",", "?", "L", "W", "#", "LW", "L-3", "0", "59", "60", "31", "32", "2147483647", "4294967296", "-1", "FEB", "SUN",
            "1-0", "*/0", "30", "2", "29", "\t", "\0", "é",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    [Fact]
    public void The_corpus_and_every_kept_crasher_are_accepted_or_refused() => Fuzz.Replay(Parser, Check);

    [Fact]
    public void Mutated_schedules_are_accepted_or_refused_with_a_problem() =>
        Fuzz.Run(Parser, Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], Tokens), Check, text => text);

    private static void Check(byte[] text)
    {
        var expression = Encoding.UTF8.GetString(text);
        var (problem, next) = Fuzz.Bounded((64 << 10) + 64L * text.Length,
            () => (JobSchedule.Problem(expression, Submitted), JobSchedule.Next(expression, Submitted)));
        if (problem is null)
        {
            Assert.True(next > Submitted, $"'{expression}' is accepted, so it has a next run after {Submitted:O}; it has {next:O}.");
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(problem));
        }
    }
}
