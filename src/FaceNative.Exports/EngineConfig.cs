using System.Globalization;
using FaceNative.Detection;
using FaceNative.Models;

namespace FaceNative.Exports;

/// <summary>
/// The config text of face_load: `key: value` (or `key = value`) entries separated by newlines
/// or ';', '#' comment lines. Documented key by key in include/facenative.h.
/// </summary>
internal static class EngineConfig
{
    public static EngineOptions Parse(string? text)
    {
        var options = new EngineOptions();
        if (string.IsNullOrWhiteSpace(text)) return options;

        foreach (string rawEntry in text.Split('\n', ';'))
        {
            string entry = rawEntry.Trim();
            if (entry.Length == 0 || entry[0] == '#') continue;

            // The key is everything before the first ':' or '=', so values (paths) may hold either.
            int separator = entry.IndexOfAny([':', '=']);
            if (separator <= 0)
                throw Invalid($"config entry '{entry}' is not 'key: value'");
            string key = entry[..separator].Trim().ToLowerInvariant().Replace('-', '_');
            string value = entry[(separator + 1)..].Trim();
            options = Apply(options, key, value);
        }
        return options;
    }

    private static EngineOptions Apply(EngineOptions o, string key, string value) => key switch
    {
        "models" => o with { ModelsDirectory = value },
        "pack" => o with { Pack = value },
        "detector" => o with { DetectorPath = value },
        "detector_format" => o with { DetectorFormat = value.ToLowerInvariant() },
        "recognizer" => o with { RecognizerPath = value },
        "recognizer_format" => o with { RecognizerFormat = value.ToLowerInvariant() },
        "age" => o with { AgePath = value },
        "gender" => o with { GenderPath = value },
        "genderage" => o with { GenderAgePath = value },
        "liveness_v2" => o with { LivenessV2Path = value },
        "liveness_v1se" => o with { LivenessV1SePath = value },
        "skip_optional" => o with { SkipOptionalModels = Bool(key, value) },
        "det_size" => WithDetectorSize(o, value),
        "det_thresh" => o with { DetectorThreshold = Float(key, value, 0, 1) },
        "nms_thresh" => o with { NmsThreshold = Float(key, value, 0, 1) },
        "max_faces" => o with { MaxFaces = Int(key, value, 0, int.MaxValue) },
        "min_face_size" => o with { MinFaceSize = Float(key, value, 0, 1e6f) },
        "selection" => o with { Selection = Selection(value) },
        "verify_threshold" => o with { VerifyThreshold = Float(key, value, 0, 2) },
        "antispoof_threshold" => o with { AntiSpoofThreshold = Float(key, value, 0, 1) },
        "threads" => o with { Threads = Int(key, value, 0, 1024) },
        "provider" => o with { Provider = Provider(value) },
        "max_pixels" => o with { MaxPixels = Long(key, value, 1, long.MaxValue) },
        _ => throw Invalid($"unknown config key '{key}'"),
    };

    private static EngineOptions WithDetectorSize(EngineOptions o, string value)
    {
        (int w, int h) = EngineOptions.ParseDetectorSize(value);
        return o with { DetectorWidth = w, DetectorHeight = h };
    }

    private static FaceSelection Selection(string value) => value.ToLowerInvariant() switch
    {
        "score" or "highest_score" => FaceSelection.HighestScore,
        "largest" or "largest_area" => FaceSelection.LargestArea,
        _ => throw Invalid($"selection '{value}' is not 'score' or 'largest'"),
    };

    private static ExecutionProvider Provider(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        _ => throw Invalid($"provider '{value}' is not 'cpu' or 'cuda'"),
    };

    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" or "on" => true,
        "false" or "no" or "0" or "off" => false,
        _ => throw Invalid($"{key}: '{value}' is not true or false"),
    };

    private static float Float(string key, string value, float min, float max)
    {
        if (float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float f)
            && f >= min && f <= max)
            return f;
        throw Invalid($"{key}: '{value}' is not a number in [{min}, {max}]");
    }

    private static int Int(string key, string value, int min, int max) => (int)Long(key, value, min, max);

    private static long Long(string key, string value, long min, long max)
    {
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
            && n >= min && n <= max)
            return n;
        throw Invalid($"{key}: '{value}' is not an integer in [{min}, {max}]");
    }

    private static FaceException Invalid(string message) => new(FaceErrorKind.InvalidArgument, message);
}
