using System.Text.Json;

namespace ConnActors.Node.Http;

/// <summary>
/// A JSON object request body read by hand, so that every bad input is answered with an <see cref="ApiError"/>
/// naming the field rather than the framework's empty 400.
/// </summary>
internal sealed class RequestBody
{
    public const int MaxBytes = 64 * 1024;
    private readonly JsonElement _root;

    private RequestBody(JsonElement root) => _root = root;

    /// <summary>The body as a JSON object, or the error to answer with.</summary>
    public static async Task<(RequestBody? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength > MaxBytes) return (null, ApiError.Status(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBytes} bytes"));
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancel);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, ApiError.BadRequest("the body must be a JSON object"));
            return (new RequestBody(document.RootElement.Clone()), null);
        }
        catch (JsonException e)
        {
            return (null, ApiError.BadRequest($"the body is not valid JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiError.Status(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBytes} bytes"));
        }
    }

    /// <summary>The non-empty string <paramref name="field"/>, or the error naming it.</summary>
    public (string? Value, IResult? Error) RequiredString(string field)
    {
        if (!_root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return (null, ApiError.BadRequest($"'{field}' is required"));
        if (value.ValueKind != JsonValueKind.String) return (null, ApiError.BadRequest($"'{field}' must be a string"));
        string text;
        try
        {
            text = value.GetString()!.Trim();
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json checks a string's UTF-8 only when it is read: a 500 before this.
            return (null, ApiError.BadRequest($"'{field}' is not valid UTF-8"));
        }
        return text.Length == 0 ? (null, ApiError.BadRequest($"'{field}' must not be empty")) : (text, null);
    }

    /// <summary>The number <paramref name="field"/>, <paramref name="fallback"/> when absent, or the error naming it.</summary>
    public (double Value, IResult? Error) OptionalNumber(string field, double fallback) =>
        _root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? RequiredNumber(field) : (fallback, null);

    /// <summary>The number <paramref name="field"/>, or the error naming it.</summary>
    public (double Value, IResult? Error) RequiredNumber(string field)
    {
        if (!_root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return (0, ApiError.BadRequest($"'{field}' is required"));
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
            return (0, ApiError.BadRequest($"'{field}' must be a number"));
        return (number, null);
    }
}
