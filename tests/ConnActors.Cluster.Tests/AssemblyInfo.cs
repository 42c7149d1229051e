// Each test starts a cluster of several ActorSystems; run them one at a time so that failure detectors
// of one test are not starved by another test's cluster on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
