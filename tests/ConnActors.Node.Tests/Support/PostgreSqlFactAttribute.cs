using ConnActors.Tests.Shared;

namespace ConnActors.Node.Tests.Support;

/// <summary>A fact on the PostgreSQL server: skipped only when it is unreachable, CONNACTORS_SKIP_POSTGRES=1 and not under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (!PostgreSqlServer.UnderCi && PostgreSqlServer.SkipRequested && PostgreSqlServer.Unreachable is { } reason)
            Skip = $"PostgreSQL unreachable ({reason}); skipped because {PostgreSqlServer.SkipVariable}=1";
    }
}
