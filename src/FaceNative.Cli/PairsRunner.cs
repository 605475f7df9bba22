using Spectre.Console;

namespace FaceNative.Cli;

/// <summary>`verify --pairs`: every row of a CSV, one JSON line each, then a summary line.
/// Each distinct file is decoded and embedded once, however many rows name it.</summary>
internal static class PairsRunner
{
    private sealed record Row(string FileA, string FileB, bool? SamePerson);

    private sealed record Outcome(float Distance, bool? SamePerson);

    public static void Run(FaceEngine engine, string csvPath, float? thresholdOverride)
    {
        List<Row> rows = ReadCsv(csvPath);
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(csvPath))!;
        float threshold = thresholdOverride is > 0 ? thresholdOverride.Value : engine.VerifyThreshold;

        // Embed each distinct file once.
        var files = rows.SelectMany(r => new[] { r.FileA, r.FileB }).Distinct().ToList();
        var embeddings = new Dictionary<string, (float[]? Embedding, string? Error)>();
        ProgressConsole().Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("embedding images", maxValue: Math.Max(1, files.Count));
            foreach (string file in files)
            {
                embeddings[file] = EmbedFile(engine, Path.Combine(baseDir, file));
                task.Increment(1);
            }
        });

        // Compare, one JSON line per pair.
        var outcomes = new List<Outcome>();
        int errors = 0;
        foreach (Row row in rows)
        {
            var (ea, errA) = embeddings[row.FileA];
            var (eb, errB) = embeddings[row.FileB];
            string? error = errA is not null ? $"{row.FileA}: {errA}"
                : errB is not null ? $"{row.FileB}: {errB}"
                : null;
            VerifyResult? result = error is null ? engine.CompareEmbeddings(ea, eb, threshold) : null;
            if (result is null) errors++;
            else outcomes.Add(new Outcome(result.Distance, row.SamePerson));

            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("file_a", row.FileA);
                w.WriteString("file_b", row.FileB);
                if (row.SamePerson is { } same) w.WriteBoolean("same_person", same);
                if (result is not null)
                {
                    w.WriteNumber("similarity", Json.Round(1 - result.Distance, 6));
                    w.WriteNumber("distance", Json.Round(result.Distance, 6));
                    w.WriteBoolean("verified", result.Verified);
                }
                else
                {
                    w.WriteString("error", error);
                }
                w.WriteEndObject();
            });
        }

        WriteSummary(rows.Count, errors, outcomes, threshold);
        // Rows that fail are reported and the run goes on; a run in which none could be
        // compared measured nothing, and says so with its exit code.
        if (rows.Count > 0 && errors == rows.Count)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"none of the {rows.Count} pairs in {csvPath} could be compared (see the error of each row)");
    }

    private static void WriteSummary(int pairs, int errors, List<Outcome> outcomes, float threshold)
    {
        var labelled = outcomes.Where(o => o.SamePerson is not null).ToList();
        int tp = labelled.Count(o => o.SamePerson == true && o.Distance < threshold);
        int fn = labelled.Count(o => o.SamePerson == true && o.Distance >= threshold);
        int tn = labelled.Count(o => o.SamePerson == false && o.Distance >= threshold);
        int fp = labelled.Count(o => o.SamePerson == false && o.Distance < threshold);
        (float bestThreshold, double bestAccuracy) = BestThreshold(labelled);

        Json.WriteLine(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("pairs", pairs);
            w.WriteNumber("errors", errors);
            if (labelled.Count > 0)
                w.WriteNumber("accuracy", Math.Round((double)(tp + tn) / labelled.Count, 6));
            else
                w.WriteNull("accuracy");
            w.WriteNumber("tp", tp);
            w.WriteNumber("tn", tn);
            w.WriteNumber("fp", fp);
            w.WriteNumber("fn", fn);
            w.WriteNumber("threshold", Json.Round(threshold, 4));
            if (labelled.Count > 0)
            {
                w.WriteNumber("best_threshold", Json.Round(bestThreshold, 4));
                w.WriteNumber("best_accuracy", Math.Round(bestAccuracy, 6));
            }
            else
            {
                w.WriteNull("best_threshold");
                w.WriteNull("best_accuracy");
            }
            w.WriteEndObject();
        });
    }

    /// <summary>The distance threshold with the highest accuracy: sweep the midpoints between
    /// consecutive sorted distances (ties broken towards the widest margin's centre).</summary>
    internal static (float Threshold, double Accuracy) BestThreshold(
        IReadOnlyList<(float Distance, bool Same)> labelled)
    {
        if (labelled.Count == 0) return (0, 0);
        var sorted = labelled.OrderBy(o => o.Distance).ToList();
        int totalDifferent = sorted.Count(o => !o.Same);

        // Threshold below everything: every pair called "different".
        int correct = totalDifferent, bestCorrect = correct;
        float best = sorted[0].Distance - 1e-3f;
        float bestGap = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            correct += sorted[i].Same ? 1 : -1;
            float next = i + 1 < sorted.Count ? sorted[i + 1].Distance : sorted[i].Distance + 2e-3f;
            float gap = next - sorted[i].Distance;
            if (correct > bestCorrect || (correct == bestCorrect && gap > bestGap && i + 1 < sorted.Count))
            {
                bestCorrect = correct;
                bestGap = gap;
                best = (sorted[i].Distance + next) / 2;
            }
        }
        return (best, (double)bestCorrect / sorted.Count);
    }

    private static (float Threshold, double Accuracy) BestThreshold(List<Outcome> labelled) =>
        BestThreshold(labelled.Select(o => (o.Distance, o.SamePerson!.Value)).ToList());

    private static (float[]?, string?) EmbedFile(FaceEngine engine, string path)
    {
        try
        {
            return (engine.Embed(FaceCommands.LoadImage(engine, path)).Embedding, null);
        }
        catch (FaceException e)
        {
            return (null, e.Message);
        }
    }

    private static List<Row> ReadCsv(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FaceException(FaceErrorKind.InvalidArgument, $"cannot read {path}: {e.Message}", e);
        }
        if (lines.Length == 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"{path} is empty");

        string[] header = SplitCsvLine(lines[0]);
        int a = Array.IndexOf(header, "file_a"), b = Array.IndexOf(header, "file_b");
        int same = Array.IndexOf(header, "same_person");
        if (a < 0 || b < 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"{path}: header needs columns file_a and file_b");

        var rows = new List<Row>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            string[] cells = SplitCsvLine(lines[i]);
            if (cells.Length <= Math.Max(a, b))
                throw new FaceException(FaceErrorKind.InvalidArgument, $"{path} line {i + 1}: too few columns");
            bool? samePerson = same >= 0 && same < cells.Length ? ParseBool(cells[same]) : null;
            rows.Add(new Row(cells[a], cells[b], samePerson));
        }
        return rows;
    }

    private static bool? ParseBool(string cell) => cell.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" => true,
        "0" or "false" or "no" => false,
        _ => null,
    };

    /// <summary>Splits one CSV line; double-quoted cells may hold commas and "" for a quote.</summary>
    internal static string[] SplitCsvLine(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString().Trim());
        return cells.ToArray();
    }

    internal static IAnsiConsole ProgressConsole() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
