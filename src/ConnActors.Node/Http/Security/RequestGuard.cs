namespace ConnActors.Node.Http.Security;

/// <summary>Applies <see cref="RequestRules"/> to every request before any endpoint sees it, and adds the response headers that keep the dashboard out of frames and sniffers.</summary>
internal static class RequestGuard
{
    public static void UseRequestGuard(this WebApplication app, RequestRules rules)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            var refusal = rules.Check(new RequestRules.Request(
                request.Method,
                request.Headers.Host.ToString(),
                request.Headers.Origin.Count > 0 ? request.Headers.Origin.ToString() : null,
                request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null,
                request.ContentType,
                context.Connection.LocalIpAddress,
                context.Connection.LocalPort,
                !IsApiPath(request.Path)));
            if (refusal is null)
            {
                await next(context);
                return;
            }
            if (refusal.StatusCode == StatusCodes.Status401Unauthorized) headers.WWWAuthenticate = "Bearer";
            await ApiError.Status(refusal.StatusCode, refusal.Reason).ExecuteAsync(context);
        });
    }

    /// <summary>Under /api or /metrics: data. Anything else is the dashboard's files, the same on every node and holding none.</summary>
    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
