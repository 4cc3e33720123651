// The load loops measure real time: one test's load must not slow another's.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
