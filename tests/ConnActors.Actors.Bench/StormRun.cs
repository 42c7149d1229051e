namespace ConnActors.Actors.Bench;

/// <summary>One listener's figures under the storm.</summary>
internal sealed record StormRun(string Listener, int Cap, int Attempts, int Succeeded, int PeakCount, double SettleSeconds, double CpuSeconds, long RssBytes, long RssDeltaBytes);
