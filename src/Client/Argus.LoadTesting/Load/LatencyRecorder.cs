using Argus.Errors;
using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Load;

/// <summary>
/// Collects what became of the requests sent in one window, from many threads, and tells when the last of them has
/// ended so the window can be summarised.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly object _gate = new();
    private readonly List<double> _latenciesMs = new(4096);
    private readonly List<double> _queueMs = new(4096);
    private readonly List<double> _computeMs = new(4096);
    private readonly Dictionary<string, long> _errors = [];
    private readonly Dictionary<string, long> _devices = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double _batches;
    private long _rejected;
    private long _failed;
    private long _dropped;
    private int _outstanding;
    private bool _closed;

    /// <summary>Counts a request as sent in this window; false once the window is closed (the caller takes the next one).</summary>
    public bool TryBegin()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _outstanding++;
            return true;
        }
    }

    /// <summary>Records a request begun here that answered after <paramref name="latency"/>.</summary>
    public void Complete(TimeSpan latency, TargetAnswer answer)
    {
        lock (_gate)
        {
            foreach (var item in answer.Items)
            {
                if (item.Error is null)
                {
                    _latenciesMs.Add(latency.TotalMilliseconds);
                    _queueMs.Add(item.QueueMs);
                    _computeMs.Add(item.ComputeMs);
                    _batches += 1.0 / Math.Max(1, item.BatchSize);
                    _devices[answer.Device] = _devices.GetValueOrDefault(answer.Device) + 1;
                }
                else if (item.Error.Kind == ErrorKind.Overloaded)
                {
                    _rejected++;
                }
                else
                {
                    _failed++;
                    Count($"{item.Error.Kind}: {item.Error.Message}");
                }
            }

            End();
        }
    }

    /// <summary>Records a request begun here that failed as a whole.</summary>
    public void Fail(int images, Exception error)
    {
        var message = error.Message.Split('\n', 2)[0].Trim();
        lock (_gate)
        {
            _failed += images;
            Count($"{error.GetType().Name}: {message}");
            End();
        }
    }

    /// <summary>Counts images the client dropped instead of sending.</summary>
    public bool TryDrop(int images)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _dropped += images;
            }

            return !_closed;
        }
    }

    /// <summary>Closes the window to new requests; completes when every request begun in it has ended.</summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            _closed = true;
            if (_outstanding == 0)
            {
                _drained.TrySetResult();
            }
        }

        return _drained.Task;
    }

    /// <summary>What the window saw, once closed and drained.</summary>
    public WindowStats Summarize(TimeSpan duration)
    {
        lock (_gate)
        {
            return new WindowStats(
                duration, WindowStats.Sorted(_latenciesMs), WindowStats.Sorted(_queueMs), WindowStats.Sorted(_computeMs), _batches,
                _rejected, _failed, _dropped, new Dictionary<string, long>(_errors), new Dictionary<string, long>(_devices));
        }
    }

    private void Count(string error)
    {
        var key = error.Length > 160 ? error[..160] + "…" : error;
        _errors[key] = _errors.GetValueOrDefault(key) + 1;
    }

    private void End()
    {
        if (--_outstanding == 0 && _closed)
        {
            _drained.TrySetResult();
        }
    }
}
