using FaceNative.Attributes;
using FaceNative.Detection;
using FaceNative.Geometry;
using FaceNative.Liveness;

namespace FaceNative;

/// <summary>The selected face of an image and its L2-normalised embedding.</summary>
public sealed record FaceEmbedding(DetectedFace Face, float[] Embedding);

/// <summary>A 1:1 comparison, with the fields of LocalAI's FaceVerifyResponse.</summary>
/// <param name="Distance">1 − cosine similarity of the two embeddings.</param>
/// <param name="Confidence">clamp((1 − distance / threshold) · 100, 0, 100).</param>
public sealed record VerifyResult(
    bool Verified,
    float Distance,
    float Threshold,
    float Confidence,
    string Model,
    FaceBox? Image1Box,
    FaceBox? Image2Box,
    float ProcessingTimeMs,
    LivenessResult? Image1Liveness,
    LivenessResult? Image2Liveness);

/// <summary>One face of an analysed image.</summary>
public sealed record FaceAnalysis(DetectedFace Face, AgeGender? AgeGender, LivenessResult? Liveness);
