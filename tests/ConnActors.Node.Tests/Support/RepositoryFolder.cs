namespace ConnActors.Node.Tests.Support;

/// <summary>Folders of the repository the tests run from (found by walking up to ConnActors.sln).</summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConnActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ConnActors.sln not found above " + AppContext.BaseDirectory);
    }
}
