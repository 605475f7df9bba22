using FaceNative.Attributes;
using FaceNative.Detection;
using FaceNative.Liveness;
using FaceNative.Models;
using FaceNative.Packs;
using FaceNative.Recognition;

namespace FaceNative;

/// <summary>Resolves a pack plus overrides into loaded models. Anything loaded before a
/// failure is released, so a failed load leaks nothing.</summary>
internal static class EngineLoader
{
    public static FaceEngine Load(EngineOptions options)
    {
        ModelPack pack = ModelPack.Resolve(options.Pack);
        var locator = new ModelLocator(options.ModelsDirectory);
        var inference = new InferenceOptions(options.Threads, options.Provider);
        var loaded = new List<IDisposable>();
        var files = new List<string>();

        try
        {
            OnnxModel LoadRole(string role, string file)
            {
                string path = locator.Find(file, role);
                var model = OnnxModel.Load(path, inference);
                loaded.Add(model);
                files.Add(path);
                return model;
            }

            OnnxModel? LoadOptional(string role, string? overridePath)
            {
                if (overridePath is not null) return LoadRole(role, overridePath);
                PackModel? entry = pack.Model(role);
                if (entry is null || options.SkipOptionalModels) return null;
                if (entry.Optional && locator.TryFind(entry.File) is null)
                {
                    FaceLog.Info($"optional {role} model '{entry.File}' not found; continuing without it");
                    return null;
                }
                return LoadRole(role, entry.File);
            }

            // Detector and recognizer are required.
            PackModel detectorEntry = pack.Model("detector")!;
            string detectorFile = options.DetectorPath ?? detectorEntry.File;
            string detectorFormat = options.DetectorFormat
                ?? (options.DetectorPath is null ? detectorEntry.Format : null)
                ?? GuessDetectorFormat(detectorFile);
            var detector = FaceDetector.Create(detectorFormat, LoadRole("detector", detectorFile));

            PackModel recognizerEntry = pack.Model("recognizer")!;
            string recognizerFile = options.RecognizerPath ?? recognizerEntry.File;
            string recognizerFormat = options.RecognizerFormat
                ?? (options.RecognizerPath is null ? recognizerEntry.Format : null)
                ?? GuessRecognizerFormat(recognizerFile);
            var recognizer = new FaceRecognizer(LoadRole("recognizer", recognizerFile), recognizerFormat);

            // Optional heads: age/gender (SSR pair or InsightFace genderage) and liveness.
            AgeGenderEstimator? attributes = null;
            OnnxModel? genderAge = LoadOptional("genderage", options.GenderAgePath);
            if (genderAge is not null)
            {
                attributes = new InsightFaceGenderAge(genderAge);
            }
            else
            {
                OnnxModel? age = LoadOptional("age", options.AgePath);
                OnnxModel? gender = LoadOptional("gender", options.GenderPath);
                if (age is not null && gender is not null)
                    attributes = new SsrAgeGenderEstimator(age, gender, options.AttributeChannelOrder);
                else if (age is not null || gender is not null)
                    throw new FaceException(FaceErrorKind.Model,
                        "the SSR age and gender models must be loaded together");
            }

            var livenessModels = new List<(OnnxModel, float)>();
            OnnxModel? v2 = LoadOptional("liveness_v2", options.LivenessV2Path);
            if (v2 is not null) livenessModels.Add((v2, 2.7f));
            OnnxModel? v1se = LoadOptional("liveness_v1se", options.LivenessV1SePath);
            if (v1se is not null) livenessModels.Add((v1se, 4.0f));
            float antiSpoofThreshold = options.AntiSpoofThreshold ?? pack.FloatSetting("antispoof_threshold") ?? 0.5f;
            LivenessChecker? liveness = livenessModels.Count > 0
                ? new LivenessChecker(livenessModels, antiSpoofThreshold)
                : null;

            (int packWidth, int packHeight) = EngineOptions.ParseDetectorSize(pack.Setting("det_size") ?? "640");
            var detectorOptions = new DetectorOptions(
                options.DetectorWidth ?? packWidth,
                options.DetectorHeight ?? options.DetectorWidth ?? packHeight,
                options.DetectorThreshold ?? pack.FloatSetting("det_thresh") ?? 0.5f,
                options.NmsThreshold ?? pack.FloatSetting("nms_thresh") ?? 0.4f,
                options.MaxFaces,
                options.MinFaceSize);
            if (options.DetectorWidth is not null && detector.FixedInputWidth is int fixedWidth
                && (fixedWidth != detectorOptions.InputWidth
                    || detector.FixedInputHeight != detectorOptions.InputHeight))
                FaceLog.Warn($"detector '{Path.GetFileName(detectorFile)}' has a fixed " +
                    $"{fixedWidth}x{detector.FixedInputHeight} input; det_size " +
                    $"{detectorOptions.InputWidth}x{detectorOptions.InputHeight} is ignored");
            float verifyThreshold = options.VerifyThreshold
                ?? ThresholdFor(recognizerFormat, pack.Setting("verify_threshold"), options.RecognizerPath is not null);

            return FaceEngine.Create(pack, detector, recognizer, attributes, liveness, detectorOptions,
                options.Selection, verifyThreshold, options.MaxPixels, files, options.RetryShrunkDetection);
        }
        catch
        {
            foreach (IDisposable d in loaded) d.Dispose();
            throw;
        }
    }

    /// <summary>Calibrated defaults per recognizer family, measured on the shared pairs (see
    /// README, "Verification thresholds"). A pack may name one of them or give a number.</summary>
    internal static class Calibration
    {
        public const float MobileFaceNetW600k = 0.66f;
        public const float Faceplugin = 0.56f;
    }

    private static float ThresholdFor(string recognizerFormat, string? packValue, bool recognizerOverridden)
    {
        if (!recognizerOverridden && packValue is not null)
        {
            if (packValue == "VERIFY_MBF") return Calibration.MobileFaceNetW600k;
            if (packValue == "VERIFY_FP") return Calibration.Faceplugin;
            if (float.TryParse(packValue, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out float t) && t > 0 && t < 2)
                return t;
            throw new FaceException(FaceErrorKind.Model,
                $"pack verify_threshold '{packValue}' is not VERIFY_MBF, VERIFY_FP or a distance in (0, 2)");
        }
        return recognizerFormat == "faceplugin" ? Calibration.Faceplugin : Calibration.MobileFaceNetW600k;
    }

    private static string GuessDetectorFormat(string file) =>
        Path.GetFileName(file).Contains("yunet", StringComparison.OrdinalIgnoreCase) ? "yunet" : "scrfd";

    private static string GuessRecognizerFormat(string file) =>
        Path.GetFileName(file).Contains("faceplugin", StringComparison.OrdinalIgnoreCase)
        || Path.GetFileName(file).StartsWith("fr_feature", StringComparison.OrdinalIgnoreCase)
            ? "faceplugin" : "arcface";
}
