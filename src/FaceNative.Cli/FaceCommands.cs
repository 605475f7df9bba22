using System.CommandLine;
using System.Text.Json;
using FaceNative.Detection;
using FaceNative.Imaging;

namespace FaceNative.Cli;

/// <summary>detect, embed, verify and analyze: one image (or two) in, one JSON document out.</summary>
internal static class FaceCommands
{
    public static Command Detect(CommonOptions common)
    {
        var image = new Argument<string>("image") { Description = "Image file (JPEG, PNG, WebP, BMP)" };
        var command = new Command("detect", "Detect faces with boxes, scores and 5 landmarks") { image };
        command.SetAction(parse => Run(common, parse, engine =>
        {
            BgrImage img = LoadImage(engine, parse.GetValue(image)!);
            IReadOnlyList<DetectedFace> faces = engine.Detect(img);
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("width", img.Width);
                w.WriteNumber("height", img.Height);
                w.WriteStartArray("faces");
                foreach (DetectedFace face in faces) Json.Face(w, face);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }));
        return command;
    }

    public static Command Embed(CommonOptions common)
    {
        var image = new Argument<string>("image") { Description = "Image file" };
        var command = new Command("embed", "Embed the image's face (highest score, or --largest)") { image };
        command.SetAction(parse => Run(common, parse, engine =>
        {
            FaceEmbedding result = engine.Embed(LoadImage(engine, parse.GetValue(image)!));
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("embedding");
                foreach (float v in result.Embedding) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteNumber("dim", result.Embedding.Length);
                Json.Box(w, "box", result.Face.Box);
                w.WriteNumber("score", Json.Round(result.Face.Score, 4));
                w.WriteEndObject();
            });
        }));
        return command;
    }

    public static Command Verify(CommonOptions common)
    {
        var image1 = new Argument<string?>("image1") { Description = "First image", Arity = ArgumentArity.ZeroOrOne };
        var image2 = new Argument<string?>("image2") { Description = "Second image", Arity = ArgumentArity.ZeroOrOne };
        var threshold = new Option<float?>("--threshold")
        {
            Description = "Cosine-distance threshold (default: the recognizer's calibrated value)",
        };
        var antiSpoofing = new Option<bool>("--anti-spoofing") { Description = "Also check both faces for liveness" };
        var pairs = new Option<string?>("--pairs")
        {
            Description = "CSV with columns file_a, file_b [, same_person]: verify every row, then summarise",
        };
        var command = new Command("verify", "Compare the faces of two images (1:1), or every pair of a CSV")
        {
            image1, image2, threshold, antiSpoofing, pairs,
        };
        command.SetAction(parse =>
        {
            string? pairsFile = parse.GetValue(pairs);
            string? a = parse.GetValue(image1), b = parse.GetValue(image2);
            if ((pairsFile is null) == (a is null || b is null) || (pairsFile is not null && a is not null))
            {
                Console.Error.WriteLine("error: give either IMAGE1 IMAGE2 or --pairs FILE.csv");
                return ExitCodes.Usage;
            }
            if (pairsFile is not null)
                return Run(common, parse, engine => PairsRunner.Run(engine, pairsFile, parse.GetValue(threshold)));

            return Run(common, parse, engine =>
            {
                VerifyResult r = engine.Verify(LoadImage(engine, a!), LoadImage(engine, b!),
                    parse.GetValue(threshold), parse.GetValue(antiSpoofing));
                Json.WriteLine(w => WriteVerify(w, r));
            });
        });
        return command;
    }

    public static Command Analyze(CommonOptions common)
    {
        var image = new Argument<string>("image") { Description = "Image file" };
        var antiSpoofing = new Option<bool>("--anti-spoofing") { Description = "Also check each face for liveness" };
        var command = new Command("analyze",
            "Every face with age, gender (when an attribute model is loaded) and liveness")
        {
            image, antiSpoofing,
        };
        command.SetAction(parse => Run(common, parse, engine =>
        {
            BgrImage img = LoadImage(engine, parse.GetValue(image)!);
            IReadOnlyList<FaceAnalysis> faces = engine.Analyze(img, parse.GetValue(antiSpoofing));
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("faces");
                foreach (FaceAnalysis f in faces) WriteAnalysis(w, f);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }));
        return command;
    }

    internal static void WriteVerify(Utf8JsonWriter w, VerifyResult r)
    {
        w.WriteStartObject();
        w.WriteBoolean("verified", r.Verified);
        w.WriteNumber("distance", Json.Round(r.Distance, 6));
        w.WriteNumber("threshold", Json.Round(r.Threshold, 4));
        w.WriteNumber("confidence", Json.Round(r.Confidence, 2));
        w.WriteString("model", r.Model);
        Json.Region(w, "img1_area", r.Image1Box);
        Json.Region(w, "img2_area", r.Image2Box);
        w.WriteNumber("processing_time_ms", Json.Round(r.ProcessingTimeMs, 2));
        if (r.Image1Liveness is { } l1)
        {
            w.WriteBoolean("img1_is_real", l1.IsReal);
            w.WriteNumber("img1_antispoof_score", Json.Round(l1.RealScore, 4));
        }
        if (r.Image2Liveness is { } l2)
        {
            w.WriteBoolean("img2_is_real", l2.IsReal);
            w.WriteNumber("img2_antispoof_score", Json.Round(l2.RealScore, 4));
        }
        w.WriteEndObject();
    }

    private static void WriteAnalysis(Utf8JsonWriter w, FaceAnalysis f)
    {
        w.WriteStartObject();
        Json.Region(w, "region", f.Face.Box);
        w.WriteNumber("face_confidence", Json.Round(f.Face.Score, 4));
        if (f.AgeGender is { } ag)
        {
            w.WriteNumber("age", Json.Round(ag.Age, 1));
            w.WriteString("dominant_gender", ag.IsMale ? "Man" : "Woman");
            w.WriteStartObject("gender");
            w.WriteNumber("Woman", Json.Round((1 - ag.MaleProbability) * 100, 2));
            w.WriteNumber("Man", Json.Round(ag.MaleProbability * 100, 2));
            w.WriteEndObject();
        }
        if (f.Liveness is { } live)
        {
            w.WriteBoolean("is_real", live.IsReal);
            w.WriteNumber("antispoof_score", Json.Round(live.RealScore, 4));
        }
        w.WriteEndObject();
    }

    internal static BgrImage LoadImage(FaceEngine engine, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FaceException(FaceErrorKind.InvalidArgument, $"cannot read {path}: {e.Message}", e);
        }
        try
        {
            return engine.Decode(bytes);
        }
        catch (FaceException e)
        {
            throw new FaceException(e.Kind, $"{path}: {e.Message}", e);
        }
    }

    /// <summary>Loads the engine, runs the body, and turns failures into exit codes with a
    /// message on stderr (stdout stays parseable JSON or empty).</summary>
    internal static int Run(CommonOptions common, ParseResult parse, Action<FaceEngine> body)
    {
        try
        {
            using FaceEngine engine = FaceEngine.Load(common.ToEngineOptions(parse));
            body(engine);
            return ExitCodes.Ok;
        }
        catch (FaceException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.For(e.Kind);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e}");
            return ExitCodes.Internal;
        }
    }
}
