using System.Diagnostics;
using FaceNative.Attributes;
using FaceNative.Detection;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Liveness;
using FaceNative.Models;
using FaceNative.Packs;
using FaceNative.Recognition;

namespace FaceNative;

/// <summary>
/// The whole pipeline behind one object: decode → detect → align → embed → compare, plus
/// optional age/gender and liveness. Immutable once loaded; every method may be called from
/// many threads at once.
/// </summary>
public sealed class FaceEngine : IDisposable
{
    private readonly FaceDetector _detector;
    private readonly FaceRecognizer _recognizer;
    private readonly AgeGenderEstimator? _attributes;
    private readonly LivenessChecker? _liveness;
    private readonly DetectorOptions _detectorOptions;
    private readonly FaceSelection _selection;
    private int _disposed;

    private FaceEngine(ModelPack pack, FaceDetector detector, FaceRecognizer recognizer,
        AgeGenderEstimator? attributes, LivenessChecker? liveness, DetectorOptions detectorOptions,
        FaceSelection selection, float verifyThreshold, long maxPixels, IReadOnlyList<string> modelFiles,
        bool retryShrunk)
    {
        Pack = pack;
        RetryShrunk = retryShrunk;
        _detector = detector;
        _recognizer = recognizer;
        _attributes = attributes;
        _liveness = liveness;
        _detectorOptions = detectorOptions;
        _selection = selection;
        VerifyThreshold = verifyThreshold;
        MaxPixels = maxPixels;
        ModelFiles = modelFiles;
    }

    public ModelPack Pack { get; }

    /// <summary>Default cosine-distance threshold for <see cref="Verify"/>.</summary>
    public float VerifyThreshold { get; }

    public long MaxPixels { get; }

    /// <summary>When nothing is found, look again with the image shrunk to half the detector
    /// input (finds faces that fill the whole frame, e.g. ready-made 112×112 crops).</summary>
    public bool RetryShrunk { get; }

    public DetectorOptions DetectorOptions => _detectorOptions;

    public bool HasLiveness => _liveness is not null;

    public bool HasAttributes => _attributes is not null;

    /// <summary>File name of the recognizer, reported as "model" in verify results.</summary>
    public string RecognizerName => Path.GetFileNameWithoutExtension(_recognizer.Model.FileName);

    public string DetectorName => Path.GetFileNameWithoutExtension(_detector.Model.FileName);

    /// <summary>Full paths of every model file this engine loaded.</summary>
    public IReadOnlyList<string> ModelFiles { get; }

    public static FaceEngine Load(EngineOptions options) => EngineLoader.Load(options);

    internal static FaceEngine Create(ModelPack pack, FaceDetector detector, FaceRecognizer recognizer,
        AgeGenderEstimator? attributes, LivenessChecker? liveness, DetectorOptions detectorOptions,
        FaceSelection selection, float verifyThreshold, long maxPixels, IReadOnlyList<string> modelFiles,
        bool retryShrunk) =>
        new(pack, detector, recognizer, attributes, liveness, detectorOptions, selection, verifyThreshold,
            maxPixels, modelFiles, retryShrunk);

    public BgrImage Decode(ReadOnlySpan<byte> encoded) => ImageLoader.Decode(encoded, MaxPixels);

    public BgrImage FromPixels(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format) =>
        ImageLoader.FromPixels(pixels, width, height, stride, format, MaxPixels);

    /// <summary>All faces, highest score first. <paramref name="scoreThreshold"/> overrides
    /// the engine's detector threshold for this call when given.</summary>
    public IReadOnlyList<DetectedFace> Detect(BgrImage image, float? scoreThreshold = null)
    {
        ThrowIfDisposed();
        DetectorOptions options = scoreThreshold is > 0 and <= 1
            ? _detectorOptions with { ScoreThreshold = scoreThreshold.Value }
            : _detectorOptions;
        IReadOnlyList<DetectedFace> faces = _detector.Detect(image, options);

        // A tight face crop (a face filling the frame) is larger than any anchor the detector
        // knows; one more look with the image at half size usually finds it.
        if (faces.Count == 0 && RetryShrunk)
            faces = _detector.Detect(image, options, fill: 0.5f);
        return faces;
    }

    /// <summary>The face that counts as "the" face of the image (by the engine's selection
    /// rule), or null when there is none.</summary>
    public DetectedFace? SelectFace(IReadOnlyList<DetectedFace> faces)
    {
        if (faces.Count == 0) return null;
        return _selection == FaceSelection.LargestArea ? faces.MaxBy(f => f.Box.Area) : faces[0];
    }

    /// <summary>Embedding of the image's selected face; <see cref="FaceErrorKind.NoFace"/> if none.</summary>
    public FaceEmbedding Embed(BgrImage image)
    {
        DetectedFace face = SelectFace(Detect(image))
            ?? throw new FaceException(FaceErrorKind.NoFace, "no face detected");
        return new FaceEmbedding(face, _recognizer.Embed(image, [face])[0]);
    }

    /// <summary>Embeddings of the given faces of one image, batched where the model allows.</summary>
    public float[][] EmbedFaces(BgrImage image, IReadOnlyList<DetectedFace> faces)
    {
        ThrowIfDisposed();
        return _recognizer.Embed(image, faces);
    }

    public VerifyResult Verify(BgrImage image1, BgrImage image2, float? threshold = null, bool antiSpoofing = false)
    {
        long start = Stopwatch.GetTimestamp();
        if (antiSpoofing) RequireLiveness();

        DetectedFace? face1 = SelectFace(Detect(image1));
        DetectedFace? face2 = SelectFace(Detect(image2));
        if (face1 is null || face2 is null)
        {
            string which = face1 is null && face2 is null ? "both" : face1 is null ? "image 1" : "image 2";
            throw new FaceException(FaceErrorKind.NoFace, $"no face detected in one or both images ({which})");
        }

        float[] e1 = _recognizer.Embed(image1, [face1])[0];
        float[] e2 = _recognizer.Embed(image2, [face2])[0];
        LivenessResult? live1 = antiSpoofing ? _liveness!.Check(image1, face1.Box) : null;
        LivenessResult? live2 = antiSpoofing ? _liveness!.Check(image2, face2.Box) : null;

        VerifyResult result = CompareEmbeddings(e1, e2, threshold);
        bool spoofed = live1 is { IsReal: false } || live2 is { IsReal: false };
        return result with
        {
            Verified = result.Verified && !spoofed,
            Image1Box = face1.Box,
            Image2Box = face2.Box,
            Image1Liveness = live1,
            Image2Liveness = live2,
            ProcessingTimeMs = (float)Stopwatch.GetElapsedTime(start).TotalMilliseconds,
        };
    }

    /// <summary>Verify for stored embeddings: no image, no detection.</summary>
    public VerifyResult CompareEmbeddings(ReadOnlySpan<float> embedding1, ReadOnlySpan<float> embedding2,
        float? threshold = null)
    {
        float t = ResolveThreshold(threshold);
        float distance = 1f - Cosine.Similarity(embedding1, embedding2);
        return new VerifyResult(distance < t, distance, t, ConfidenceOf(distance, t), RecognizerName,
            null, null, 0, null, null);
    }

    /// <summary>Every face, highest score first, with age/gender when an attribute model is
    /// loaded (and <paramref name="attributes"/> asks for it) and liveness when asked.</summary>
    public IReadOnlyList<FaceAnalysis> Analyze(BgrImage image, bool antiSpoofing = false, bool attributes = true)
    {
        if (antiSpoofing) RequireLiveness();
        var result = new List<FaceAnalysis>();
        foreach (DetectedFace face in Detect(image))
        {
            AgeGender? ageGender = attributes && _attributes is not null ? _attributes.Estimate(image, face) : null;
            LivenessResult? liveness = antiSpoofing ? _liveness!.Check(image, face.Box) : null;
            result.Add(new FaceAnalysis(face, ageGender, liveness));
        }
        return result;
    }

    public LivenessResult CheckLiveness(BgrImage image, DetectedFace face)
    {
        RequireLiveness();
        return _liveness!.Check(image, face.Box);
    }

    public AgeGender EstimateAgeGender(BgrImage image, DetectedFace face)
    {
        ThrowIfDisposed();
        if (_attributes is null)
            throw new FaceException(FaceErrorKind.NoAttributeModel,
                "no age/gender model is loaded: use a pack with one, or set the age/gender model paths");
        return _attributes.Estimate(image, face);
    }

    /// <summary>clamp((1 − distance / threshold) · 100, 0, 100), as LocalAI reports it.</summary>
    public static float ConfidenceOf(float distance, float threshold) =>
        Math.Clamp((1f - distance / threshold) * 100f, 0f, 100f);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _detector.Dispose();
        _recognizer.Dispose();
        _attributes?.Dispose();
        _liveness?.Dispose();
    }

    private float ResolveThreshold(float? threshold)
    {
        if (threshold is null || threshold.Value == 0) return VerifyThreshold;
        if (!float.IsFinite(threshold.Value) || threshold.Value < 0 || threshold.Value > 2)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"threshold {threshold.Value} is not a cosine distance in (0, 2]");
        return threshold.Value;
    }

    private void RequireLiveness()
    {
        ThrowIfDisposed();
        if (_liveness is null)
            throw new FaceException(FaceErrorKind.NoLivenessModel,
                "anti-spoofing was requested but no liveness model is loaded: use a pack with MiniFASNet " +
                "(e.g. 'default') or set antispoof_v2_onnx / antispoof_v1se_onnx");
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, "engine has been freed");
    }
}
