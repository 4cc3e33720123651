namespace Argus.Inference.Statistics;

/// <summary>
/// A device's busy share over a trailing window, from its cumulative busy time read at each observation: the share since
/// the newest earlier reading that is at least <see cref="Window"/> old (the first reading: since start). Any number of
/// readers may observe; each reading only adds a sample. Thread-safe.
/// </summary>
public sealed class UtilizationWindow(TimeSpan window)
{
    private readonly Queue<(TimeSpan Uptime, TimeSpan Busy)> _samples = new([(TimeSpan.Zero, TimeSpan.Zero)]);

    /// <summary>The shortest span a share is measured over.</summary>
    public TimeSpan Window { get; } = window;

    /// <summary>Records a reading and returns the busy share, 0 to 1, since the reading it is measured against.</summary>
    /// <param name="uptime">Time since the device started.</param>
    /// <param name="busy">Time it has been busy since it started.</param>
    public double Observe(TimeSpan uptime, TimeSpan busy)
    {
        lock (_samples)
        {
            // Drop the oldest while the next one is itself far enough back to measure against.
            while (_samples.Count > 1 && uptime - _samples.ElementAt(1).Uptime >= Window)
            {
                _samples.Dequeue();
            }

            var (since, busySince) = _samples.Peek();
            _samples.Enqueue((uptime, busy));
            return uptime > since ? Math.Clamp((busy - busySince) / (uptime - since), 0, 1) : 0;
        }
    }
}
