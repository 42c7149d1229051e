using ConnActors.Actors.Time;

namespace ConnActors.Actors.Tests.Store;

/// <summary>A clock the test moves by hand, starting at a realistic Unix time.</summary>
internal sealed class SettableClock : IClock
{
    private long _nowMs = 1_764_000_000_000;

    public long NowMs => Interlocked.Read(ref _nowMs);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _nowMs, (long)by.TotalMilliseconds);
}
