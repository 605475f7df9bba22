using FaceNative.Geometry;

namespace FaceNative.Detection;

/// <summary>A detected face in original image coordinates (unclipped). Landmarks are, in
/// image terms: left eye, right eye, nose tip, left mouth corner, right mouth corner.</summary>
public sealed record DetectedFace(FaceBox Box, float Score, PointF[] Landmarks);

/// <summary>Which face counts as "the" face of an image for embed and verify.</summary>
public enum FaceSelection
{
    HighestScore,
    LargestArea,
}

/// <summary>Detector settings; the model pack supplies defaults.</summary>
/// <param name="InputWidth">Detector input width (det_size); fixed-size models override it.</param>
/// <param name="MaxFaces">Keep at most this many faces, best first (0 = all).</param>
/// <param name="MinFaceSize">Drop faces whose shorter box side is below this many pixels.</param>
public sealed record DetectorOptions(
    int InputWidth = 640,
    int InputHeight = 640,
    float ScoreThreshold = 0.5f,
    float NmsThreshold = 0.4f,
    int MaxFaces = 0,
    float MinFaceSize = 0);
