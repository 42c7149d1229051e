namespace ConnActors.Cli.Interactive;

/// <summary>
/// Reads a command line from the terminal with Tab completion (one candidate completes the word; several are listed
/// and their common prefix is filled in), Up/Down history, Backspace, Ctrl+U (clear), Ctrl+C (drop the line) and
/// Ctrl+D (leave on an empty line). Editing happens at the end of the line.
/// </summary>
internal sealed class LineEditor(Func<string, IReadOnlyList<string>> complete)
{
    private readonly List<string> _history = [];

    /// <summary>The line typed, or null when the user leaves (Ctrl+D on an empty line, end of input).</summary>
    public string? ReadLine(string prompt)
    {
        Console.Write(prompt);
        if (Console.IsInputRedirected) return Console.ReadLine();

        var line = new System.Text.StringBuilder();
        int historyIndex = _history.Count;
        bool treatedControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                {
                    Console.WriteLine();
                    string text = line.ToString();
                    if (text.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != text)) _history.Add(text);
                    return text;
                }
                if (key.Modifiers.HasFlag(ConsoleModifiers.Control))
                {
                    switch (key.Key)
                    {
                        case ConsoleKey.D when line.Length == 0:
                            Console.WriteLine();
                            return null;
                        case ConsoleKey.C:
                            Console.WriteLine("^C");
                            line.Clear();
                            Console.Write(prompt);
                            continue;
                        case ConsoleKey.U:
                            Replace(line, "", prompt);
                            continue;
                    }
                    continue;
                }
                switch (key.Key)
                {
                    case ConsoleKey.Tab:
                        Complete(line, prompt);
                        break;
                    case ConsoleKey.Backspace when line.Length > 0:
                        line.Length--;
                        Console.Write("\b \b");
                        break;
                    case ConsoleKey.UpArrow when historyIndex > 0:
                        Replace(line, _history[--historyIndex], prompt);
                        break;
                    case ConsoleKey.DownArrow when historyIndex < _history.Count:
                        historyIndex++;
                        Replace(line, historyIndex < _history.Count ? _history[historyIndex] : "", prompt);
                        break;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            line.Append(key.KeyChar);
                            Console.Write(key.KeyChar);
                        }
                        break;
                }
            }
        }
        finally
        {
            Console.TreatControlCAsInput = treatedControlC;
        }
    }

    private void Complete(System.Text.StringBuilder line, string prompt)
    {
        string text = line.ToString();
        int wordStart = text.LastIndexOf(' ') + 1;
        string word = text[wordStart..];
        var candidates = complete(text).Where(c => c.StartsWith(word, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) return;
        if (candidates.Count == 1)
        {
            Replace(line, text[..wordStart] + candidates[0] + " ", prompt);
            return;
        }
        string common = CommonPrefix(candidates);
        if (common.Length > word.Length)
        {
            Replace(line, text[..wordStart] + common, prompt);
            return;
        }
        Console.WriteLine();
        Console.WriteLine(string.Join("  ", candidates));
        Console.Write(prompt + line);
    }

    private static void Replace(System.Text.StringBuilder line, string text, string prompt)
    {
        Console.Write("\r" + prompt + new string(' ', line.Length) + "\r" + prompt + text);
        line.Clear().Append(text);
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        string prefix = words[0];
        foreach (var word in words.Skip(1))
        {
            int i = 0;
            while (i < prefix.Length && i < word.Length && prefix[i] == word[i]) i++;
            prefix = prefix[..i];
        }
        return prefix;
    }
}
