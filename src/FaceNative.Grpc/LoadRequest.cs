using System.Globalization;
using FaceNative.Models;
using FaceNative.Packs;
using FaceNative.Grpc.Protocol;

namespace FaceNative.Grpc;

/// <summary>
/// Translates LocalAI's ModelOptions into <see cref="EngineOptions"/>. <c>Options</c> entries are
/// <c>key:value</c>, split at the first colon and trimmed, as the reference Python backend reads
/// them; entries without a colon are ignored. Relative paths resolve against <c>ModelPath</c>.
/// </summary>
public sealed record LoadRequest(EngineOptions Engine, int? MaxConcurrency, IReadOnlyList<string> Ignored)
{
    /// <summary>Keys the reference backend understands, then FaceNative's own.</summary>
    public static readonly string[] KnownKeys =
    [
        "engine", "model_pack", "root", "det_size", "det_thresh", "verify_threshold", "detector_onnx",
        "recognizer_onnx", "antispoof_v2_onnx", "antispoof_v1se_onnx", "antispoof_threshold",
        "pack", "age_onnx", "gender_onnx", "genderage_onnx", "detector_format", "recognizer_format",
        "nms_thresh", "threads", "concurrency", "skip_optional", "max_pixels",
    ];

    /// <summary>Throws <see cref="FaceException"/> naming the option that is wrong.</summary>
    /// <param name="serverConcurrency">The server's request limit, used when no option sets one.</param>
    public static LoadRequest From(ModelOptions request, int serverConcurrency)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var ignored = new List<string>();
        foreach (string entry in request.Options)
        {
            int colon = entry.IndexOf(':');
            if (colon < 0) continue;
            string key = entry[..colon].Trim(), value = entry[(colon + 1)..].Trim();
            if (KnownKeys.Contains(key, StringComparer.OrdinalIgnoreCase)) options[key] = RejectNul(value, key);
            else ignored.Add(key);
        }

        // A NUL can't be part of a path; .NET's path APIs would throw ArgumentException.
        string modelPath = RejectNul(request.ModelPath ?? "", "ModelPath");
        RejectNul(request.Model ?? "", "Model");
        string? Path(string key) =>
            options.TryGetValue(key, out string? v) && v.Length > 0 ? Resolve(modelPath, v) : null;

        string engineKind = options.GetValueOrDefault("engine", "insightface").ToLowerInvariant();
        if (engineKind is not ("insightface" or "onnx_direct"))
            throw Invalid($"engine '{engineKind}' is not 'insightface' or 'onnx_direct'");
        bool direct = engineKind == "onnx_direct";
        if (direct && (Path("detector_onnx") is null || Path("recognizer_onnx") is null))
            throw Invalid("engine 'onnx_direct' needs both detector_onnx and recognizer_onnx");

        string pack = PackFor(request, options, modelPath);
        string? modelsDirectory = string.IsNullOrEmpty(modelPath) ? null : System.IO.Path.GetFullPath(modelPath);
        if (options.TryGetValue("root", out string? root) && root.Length > 0)
            modelsDirectory = InsightFaceRoot(Resolve(modelPath, ExpandHome(root)));

        (int Width, int Height)? detSize = options.TryGetValue("det_size", out string? ds) && ds.Length > 0
            ? DetectorSize(ds)
            : null;
        int? concurrency = options.TryGetValue("concurrency", out string? c) ? Int(c, "concurrency", 1, 4096) : null;

        // LocalAI's Threads is the backend's thread budget. Requests here run in parallel, so
        // each model gets an equal share of it rather than every parallel run's thread pool
        // claiming all of it: oversubscribed ONNX Runtime pools spin against each other
        // (measured on two cores: 2 threads per model at limit 2 cost about twice the CPU per
        // FaceVerify of 1 thread). The "threads" option sets the per-model count directly.
        int budget = request.Threads > 0 ? request.Threads : Environment.ProcessorCount;
        int threads = options.TryGetValue("threads", out string? t)
            ? Int(t, "threads", 0, 1024)
            : Math.Max(1, budget / (concurrency ?? serverConcurrency));

        var engine = new EngineOptions
        {
            ModelsDirectory = modelsDirectory,
            Pack = pack,
            DetectorPath = Path("detector_onnx"),
            DetectorFormat = options.GetValueOrDefault("detector_format"),
            RecognizerPath = Path("recognizer_onnx"),
            RecognizerFormat = options.GetValueOrDefault("recognizer_format"),
            AgePath = Path("age_onnx"),
            GenderPath = Path("gender_onnx"),
            GenderAgePath = Path("genderage_onnx"),
            LivenessV2Path = Path("antispoof_v2_onnx"),
            LivenessV1SePath = Path("antispoof_v1se_onnx"),

            // onnx_direct loads exactly the files it names, as the reference backend does; the
            // pack then only supplies defaults such as det_size.
            SkipOptionalModels = direct || Bool(options.GetValueOrDefault("skip_optional"), "skip_optional"),
            DetectorWidth = detSize?.Width,
            DetectorHeight = detSize?.Height,
            DetectorThreshold = Float(options, "det_thresh", 0, 1),
            NmsThreshold = Float(options, "nms_thresh", 0, 1),
            VerifyThreshold = Float(options, "verify_threshold", 0, 2),
            AntiSpoofThreshold = Float(options, "antispoof_threshold", 0, 1),
            Threads = threads,
            Provider = request.CUDA ? ExecutionProvider.Cuda : ExecutionProvider.Cpu,
        };
        if (options.TryGetValue("max_pixels", out string? mp))
            engine = engine with { MaxPixels = Long(mp, "max_pixels") };

        return new LoadRequest(engine, concurrency, ignored);
    }

    /// <summary>model_pack (InsightFace's names, e.g. buffalo_l) or pack (any built-in name or a
    /// .pack file); else a Model that names a built-in pack; else FaceNative's default pack.</summary>
    private static string PackFor(ModelOptions request, Dictionary<string, string> options, string modelPath)
    {
        string? named = options.GetValueOrDefault("pack") is { Length: > 0 } p ? p
            : options.GetValueOrDefault("model_pack") is { Length: > 0 } mp ? mp
            : null;
        if (named is not null)
            return named.EndsWith(".pack", StringComparison.Ordinal) || named.Contains('/')
                ? Resolve(modelPath, named)
                : named;

        string model = request.Model ?? "";
        if (model.EndsWith(".pack", StringComparison.Ordinal))
            return Resolve(modelPath, model);
        return ModelPack.BuiltInNames.Contains(model, StringComparer.Ordinal) ? model : "default";
    }

    /// <summary>InsightFace keeps packs under ROOT/models/NAME/; FaceNative's packs name files as
    /// NAME/file.onnx relative to the models folder, so ROOT/models is that folder when present.</summary>
    private static string InsightFaceRoot(string root)
    {
        string models = System.IO.Path.Combine(root, "models");
        return Directory.Exists(models) ? models : root;
    }

    private static string RejectNul(string value, string name) =>
        value.Contains('\0') ? throw Invalid($"{name} contains a NUL character") : value;

    private static string Resolve(string modelPath, string path) =>
        System.IO.Path.IsPathRooted(path) || modelPath.Length == 0
            ? path
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(modelPath, path));

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;

    private static (int Width, int Height) DetectorSize(string text)
    {
        try
        {
            return EngineOptions.ParseDetectorSize(text);
        }
        catch (FaceException e)
        {
            throw Invalid($"det_size: {e.Message}");
        }
    }

    private static float? Float(Dictionary<string, string> options, string key, float min, float max)
    {
        if (!options.TryGetValue(key, out string? text) || text.Length == 0) return null;
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && v > min && v <= max)
            return v;
        throw Invalid($"{key} '{text}' is not a number in ({min}, {max}]");
    }

    private static int Int(string text, string key, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw Invalid($"{key} '{text}' is not a whole number in [{min}, {max}]");

    private static long Long(string text, string key) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v > 0
            ? v
            : throw Invalid($"{key} '{text}' is not a positive whole number");

    private static bool Bool(string? text, string key) => text?.ToLowerInvariant() switch
    {
        null or "" or "false" or "0" or "no" => false,
        "true" or "1" or "yes" => true,
        _ => throw Invalid($"{key} '{text}' is not true or false"),
    };

    private static FaceException Invalid(string message) => new(FaceErrorKind.InvalidArgument, message);
}
