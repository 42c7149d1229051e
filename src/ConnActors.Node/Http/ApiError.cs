namespace ConnActors.Node.Http;

/// <summary>The body of every error answer: <c>{"error": "..."}</c>.</summary>
internal sealed record ApiError(string Error)
{
    public static IResult BadRequest(string message) => Results.BadRequest(new ApiError(message));

    public static IResult Status(int statusCode, string message) => Results.Json(new ApiError(message), statusCode: statusCode);
}
