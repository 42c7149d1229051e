using ConnActors.Node.Http.Security;
using Microsoft.Extensions.FileProviders;

namespace ConnActors.Node.Http;

/// <summary>
/// The dashboard at <c>/</c>: static files shipped with the node (Dashboard/wwwroot, no CDN), served with a strict
/// Content-Security-Policy (its own scripts and styles only, requests to its own origin only, never in a frame).
/// </summary>
internal static class DashboardFiles
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static void UseDashboard(this WebApplication app)
    {
        if (!Directory.Exists(Root)) throw new DirectoryNotFoundException($"the dashboard's files are missing: {Root}");
        var files = new PhysicalFileProvider(Root);
        // Only outside /api and /metrics: API requests must not pay for a file lookup each.
        app.UseWhen(context => !RequestGuard.IsApiPath(context.Request.Path), dashboard => dashboard.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files }).UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = file =>
            {
                file.Context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                file.Context.Response.Headers.CacheControl = "no-cache";
            },
        }));
    }
}
