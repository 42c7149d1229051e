using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// Catches the HOCON mistakes Akka's lenient parser accepts silently (and then reports as odd values far
/// from their cause): unbalanced braces and brackets, unterminated strings, and a plain value followed by
/// an object on the same line (<c>hard-cap = 10 {</c>). Errors name the source and the line.
/// </summary>
public static class HoconSyntax
{
    /// <summary>Throws <see cref="PolicyConfigurationException"/> (key: <paramref name="source"/>:line) at the first mistake.</summary>
    public static void Check(string text, string source)
    {
        var open = new Stack<(char Bracket, int Line)>();
        int line = 1;
        bool afterAssignment = false, valueOnLine = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    afterAssignment = valueOnLine = false;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '"':
                    i = SkipString(text, i, ref line, source);
                    if (afterAssignment) valueOnLine = true;
                    break;
                case '{':
                case '[':
                    if (c == '{' && valueOnLine) Fail(source, line, "a value cannot be followed by '{' (is a line break or a key missing?)");
                    open.Push((c, line));
                    afterAssignment = valueOnLine = false;
                    break;
                case '}':
                case ']':
                    char expected = c == '}' ? '{' : '[';
                    if (open.Count == 0) Fail(source, line, $"'{c}' closes nothing");
                    var (bracket, openedAt) = open.Pop();
                    if (bracket != expected) Fail(source, line, $"'{c}' closes the '{bracket}' opened at line {openedAt}");
                    afterAssignment = valueOnLine = false;
                    break;
                case '=':
                case ':':
                    afterAssignment = true;
                    valueOnLine = false;
                    break;
                case ',':
                    afterAssignment = valueOnLine = false;
                    break;
                default:
                    if (afterAssignment && !char.IsWhiteSpace(c) && c != '$') valueOnLine = true;
                    break;
            }
        }
        if (open.Count > 0)
        {
            var (bracket, openedAt) = open.Peek();
            Fail(source, openedAt, $"the '{bracket}' opened here is never closed");
        }
    }

    private static int SkipString(string text, int start, ref int line, string source)
    {
        bool triple = start + 2 < text.Length && text[start + 1] == '"' && text[start + 2] == '"';
        int i = start + (triple ? 3 : 1);
        int opened = line;
        for (; i < text.Length; i++)
        {
            if (triple)
            {
                if (text[i] == '\n') line++;
                else if (text[i] == '"' && i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"') return i + 2;
                continue;
            }
            if (text[i] == '\\') i++;
            else if (text[i] == '"') return i;
            else if (text[i] == '\n') break;
        }
        Fail(source, opened, "a string is not closed on its line");
        return i;
    }

    private static void Fail(string source, int line, string reason) =>
        throw new PolicyConfigurationException($"{source}:{line}", $"HOCON syntax error: {reason}");
}
