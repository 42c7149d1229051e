using ConnActors.Sim.Output;

namespace ConnActors.Sim.Tests;

public class ReportLinkTests
{
    [Theory]
    [InlineData("docs/sim-report", "../simulator.md")]
    [InlineData("docs/sim-report/router-killing-1m", "../../simulator.md")]
    [InlineData("docs/sim-report/large/dht-heavy", "../../../simulator.md")]
    public void A_report_in_the_checkout_links_the_simulator_doc_from_where_it_is(string reportDir, string expected)
    {
        string root = Directory.CreateTempSubdirectory("sim-link-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "simulator.md"), "# simulator");
            string report = Path.Combine(root, reportDir, "report.md");
            Assert.Equal($"[docs/simulator.md]({expected})", ReportWriter.SimulatorDocLink(report));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_report_outside_a_checkout_names_the_doc_without_a_broken_link()
    {
        string root = Directory.CreateTempSubdirectory("sim-link-").FullName;
        try
        {
            Assert.Equal("docs/simulator.md in the repository", ReportWriter.SimulatorDocLink(Path.Combine(root, "out", "report.md")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
