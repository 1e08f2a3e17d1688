// The suites share process-wide listeners (Meter, ActivitySource) and child processes (Prism); running the classes one
// after another keeps every count exact and the 2-core CI box from being oversubscribed by the soak.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
