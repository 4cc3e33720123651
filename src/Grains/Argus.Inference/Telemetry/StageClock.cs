using System.Runtime.InteropServices;

namespace Argus.Inference.Telemetry;

/// <summary>The stages of an item's way through a silo whose CPU time <see cref="StageClock"/> adds up.</summary>
public enum ServingStage
{
    /// <summary>Reading a request's body into inputs: v1's images, v2's JSON or binary tensors, gRPC's message.</summary>
    Read,

    /// <summary>The device grain's own work: contracts to the engine's terms and back, one task per item.</summary>
    Device,

    /// <summary>Checking an input and making it the model's tensor, decoding excluded.</summary>
    Tensor,

    /// <summary>Decoding and preprocessing an image.</summary>
    Decode,

    /// <summary>Admission and queueing: the batcher's decision for a new item.</summary>
    Admission,

    /// <summary>On the batcher's thread: forming, running (a simulated model's outputs) and completing batches.</summary>
    Batch,

    /// <summary>The model's task on an output row (normalise, softmax and top-k, text boxes).</summary>
    Postprocess,

    /// <summary>Writing the answer: v1's and v2's JSON, v2's binary data, gRPC's message.</summary>
    Write,
}

/// <summary>
/// Opt-in CPU accounting by stage (<c>Argus:Inference:StageTiming</c>): each timed section adds its thread's CPU time
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>, so time the thread spent preempted on a busy machine is not counted), published as
/// <c>argus.stage.cpu.time</c>. Only synchronous sections are timed; what lies between them (Kestrel, Orleans messaging,
/// continuations, GC) is the process's CPU time less their sum. Off, a timer costs one branch; on, two system calls.
/// </summary>
public static partial class StageClock
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private static readonly long[] Nanoseconds = new long[Enum.GetValues<ServingStage>().Length];

    /// <summary>Whether sections are timed; set once at start from the inference options.</summary>
    public static bool Enabled { get; set; }

    /// <summary>Starts timing a section of <paramref name="stage"/> on this thread until the returned timer is disposed.</summary>
    public static StageTimer Start(ServingStage stage) => Enabled ? new StageTimer(stage, ThreadCpuNanoseconds()) : default;

    /// <summary>CPU seconds counted so far for <paramref name="stage"/>.</summary>
    public static double Seconds(ServingStage stage) => Volatile.Read(ref Nanoseconds[(int)stage]) / 1e9;

    internal static void Add(ServingStage stage, long started) =>
        Interlocked.Add(ref Nanoseconds[(int)stage], ThreadCpuNanoseconds() - started);

    private static long ThreadCpuNanoseconds() =>
        ClockGetTime(ThreadCpuClock, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : 0;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

/// <summary>A section being timed by <see cref="StageClock.Start"/>; the default value times nothing.</summary>
public readonly struct StageTimer : IDisposable
{
    private readonly ServingStage _stage;
    private readonly long _started;

    internal StageTimer(ServingStage stage, long started) => (_stage, _started) = (stage, started);

    /// <summary>Adds the section's CPU time to its stage.</summary>
    public void Dispose()
    {
        if (_started != 0)
        {
            StageClock.Add(_stage, _started);
        }
    }
}
