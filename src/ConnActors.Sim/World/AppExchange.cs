namespace ConnActors.Sim.World;

/// <summary>Application traffic: a client fetched content from a server over their connection.</summary>
internal static class AppExchange
{
    /// <summary><paramref name="server"/> served <paramref name="client"/>: the server was useful to the client now.</summary>
    public static void Served(SimContext ctx, Policies.NodeEngines engines, int client, int server)
    {
        int i = ctx.Links.IndexOf(client, server);
        if (i < 0) return;
        ctx.Links.MarkUseful(client, i, ctx.Now);
        ctx.Metrics.UsefulMessages++;
        Connections.StreamSignals.Opened(engines, client, server, ctx.Now);
    }
}
