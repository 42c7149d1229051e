namespace ConnActors.Sim.Churn;

/// <summary>A concern that acts when a node comes online or after it went offline.</summary>
internal interface INodeLifecycle
{
    /// <summary>The node came online in session <paramref name="session"/> (its links are still empty).</summary>
    void NodeJoined(int node, int session);

    /// <summary>The node went offline; its links are already closed.</summary>
    void NodeLeft(int node);
}
