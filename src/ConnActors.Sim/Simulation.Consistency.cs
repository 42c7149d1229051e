namespace ConnActors.Sim;

internal sealed partial class Simulation
{
    /// <summary>
    /// Cross-checks the simulator's links against each live policy's own connection count and each
    /// router's entries against the connections behind it; returns the first few mismatches.
    /// </summary>
    public IReadOnlyList<string> FindInconsistencies()
    {
        var problems = new List<string>();
        var openPerRouter = new int[_routers.Count];
        for (int node = 0; node < _nodes.Count && problems.Count < 10; node++)
        {
            int degree = _links.Degree(node);
            if (!_nodes.Online[node] && degree > 0) problems.Add($"offline node {node} has {degree} links");
            if (_engines[node] is { } engine && engine.Connections != degree)
                problems.Add($"node {node}: policy counts {engine.Connections} connections, simulator {degree}");
            if (_nodes.Router[node] >= 0) openPerRouter[_nodes.Router[node]] += degree;
            if (_meshCount[node] > degree) problems.Add($"node {node}: {_meshCount[node]} mesh peers on {degree} links");
        }
        for (int r = 0; r < _routers.Count && problems.Count < 10; r++)
        {
            if (_routers.Used(r) < openPerRouter[r]) problems.Add($"router {r}: {_routers.Used(r)} entries for {openPerRouter[r]} open connections");
        }
        return problems;
    }
}
