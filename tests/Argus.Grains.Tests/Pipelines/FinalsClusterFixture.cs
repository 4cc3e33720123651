using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>
/// One in-process silo whose clock is <see cref="Time"/> (a fake, moved by the tests) and whose default grain storage is
/// <see cref="Storage"/>, which a test can hold or fail: enough for the finals logs, which need nothing else.
/// </summary>
public sealed class FinalsClusterFixture : IAsyncLifetime
{
    /// <summary>The silo's clock; it starts at the real time, so the logs' minutes are today's.</summary>
    public static FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The silo's grain storage.</summary>
    public static HeldStorage Storage { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddGrainStorage("Default", (_, _) => Storage);
        }
    }

    /// <summary>Grain storage in memory (state objects kept as they are) whose writes a test can hold or fail, and whose states it can seed and look for.</summary>
    public sealed class HeldStorage : IGrainStorage
    {
        private readonly Dictionary<GrainId, object> _states = [];
        private TaskCompletionSource? _release;
        private TaskCompletionSource _writing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Exception? _failure;

        /// <summary>Writes from now on wait for <see cref="Release"/> (and then fail with <paramref name="failure"/>, if given).</summary>
        public void Hold(Exception? failure = null)
        {
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _failure = failure;
        }

        /// <summary>Completes when a held write has begun.</summary>
        public Task Writing => _writing.Task;

        /// <summary>Lets held writes finish, and later ones pass.</summary>
        public void Release()
        {
            var release = _release;
            _release = null;
            release?.SetResult();
        }

        /// <summary>Stores <paramref name="state"/> as the grain's, as if it had written it.</summary>
        public void Seed(GrainId grain, object state)
        {
            lock (_states)
            {
                _states[grain] = state;
            }
        }

        /// <summary>Whether the grain has a state stored.</summary>
        public bool Holds(GrainId grain)
        {
            lock (_states)
            {
                return _states.ContainsKey(grain);
            }
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (_states)
            {
                if (_states.TryGetValue(grainId, out var state))
                {
                    grainState.State = (T)state;
                    grainState.RecordExists = true;
                }
            }

            return Task.CompletedTask;
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_release is { } release)
            {
                _writing.TrySetResult();
                await release.Task;
                if (Interlocked.Exchange(ref _failure, null) is { } failure)
                {
                    throw failure;
                }
            }

            lock (_states)
            {
                _states[grainId] = grainState.State!;
            }

            grainState.RecordExists = true;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (_states)
            {
                _states.Remove(grainId);
            }

            return Task.CompletedTask;
        }
    }
}
