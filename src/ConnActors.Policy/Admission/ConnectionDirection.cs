namespace ConnActors.Policy.Admission;

/// <summary>Who opened a connection.</summary>
public enum ConnectionDirection : byte
{
    /// <summary>The remote dialed us.</summary>
    Inbound,

    /// <summary>We dialed the remote.</summary>
    Outbound,
}
