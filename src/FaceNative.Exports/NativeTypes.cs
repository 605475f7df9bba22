using System.Runtime.InteropServices;

namespace FaceNative.Exports;

// Blittable mirrors of the structs in include/facenative.h. Field order and types must match
// the header exactly; tests/c checks sizes and offsets against these layouts through the API.

/// <summary>Status codes of the C ABI (FACE_OK, FACE_E_*).</summary>
internal static class Status
{
    public const int Ok = 0;
    public const int InvalidArgument = -1;
    public const int Decode = -2;
    public const int NoFace = -3;
    public const int Model = -4;
    public const int NoLivenessModel = -5;
    public const int NoAttributeModel = -6;
    public const int BufferTooSmall = -7;
    public const int TooLarge = -8;
    public const int Internal = -9;

    public static int Of(FaceErrorKind kind) => kind switch
    {
        FaceErrorKind.InvalidArgument => InvalidArgument,
        FaceErrorKind.Decode => Decode,
        FaceErrorKind.NoFace => NoFace,
        FaceErrorKind.Model => Model,
        FaceErrorKind.NoLivenessModel => NoLivenessModel,
        FaceErrorKind.NoAttributeModel => NoAttributeModel,
        FaceErrorKind.TooLarge => TooLarge,
        _ => Internal,
    };
}

internal static class Flags
{
    public const int AntiSpoofing = 1;
    public const int NoAttributes = 2;
    public const int RequireAttributes = 4;
    public const int Analyze = AntiSpoofing | NoAttributes | RequireAttributes;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeImage
{
    public const int Encoded = -1;

    public byte* Data;
    public nuint Size;
    public int Format;
    public int Width;
    public int Height;
    public int Stride;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeBox
{
    public float X1, Y1, X2, Y2;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeDetection
{
    public NativeBox Box;
    public float Score;
    public fixed float Landmarks[10];
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeVerifyResult
{
    public int Verified;
    public float Distance;
    public float Threshold;
    public float Confidence;
    public NativeBox Box1;
    public NativeBox Box2;
    public float ProcessingTimeMs;
    public int LivenessChecked;
    public int IsReal1;
    public int IsReal2;
    public float RealScore1;
    public float RealScore2;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeAnalysis
{
    public NativeDetection Face;
    public int HasAgeGender;
    public float Age;
    public float MaleProbability;
    public int IsMale;
    public int HasLiveness;
    public int IsReal;
    public float RealScore;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeAnalysisResult
{
    public nuint Count;
    public NativeAnalysis* Faces;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeEngineInfo
{
    public int EmbeddingDim;
    public float VerifyThreshold;
    public int HasLiveness;
    public int HasAttributes;
    public int DetectorWidth;
    public int DetectorHeight;
    public byte* Recognizer;
    public byte* Detector;
    public byte* Pack;
}
