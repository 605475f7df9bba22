using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;

namespace FaceNative.Recognition;

/// <summary>Aligns a face to the ArcFace template and writes the recognizer's input tensor.</summary>
public static class FaceAligner
{
    /// <summary>The similarity taking the 5 landmarks onto the ArcFace template scaled to a
    /// <paramref name="size"/>×<paramref name="size"/> crop (InsightFace scales it for
    /// multiples of 112).</summary>
    public static AffineMatrix ArcFaceTransform(ReadOnlySpan<PointF> landmarks, int size = 112)
    {
        if (landmarks.Length != 5)
            throw new FaceException(FaceErrorKind.InvalidArgument, "alignment needs exactly 5 landmarks");

        float ratio = size / 112f;
        Span<PointF> template = stackalloc PointF[5];
        for (int i = 0; i < 5; i++)
            template[i] = new PointF(SimilarityTransform.ArcFaceTemplate112[i].X * ratio,
                SimilarityTransform.ArcFaceTemplate112[i].Y * ratio);
        return SimilarityTransform.Umeyama(landmarks, template);
    }

    /// <summary>Warps the aligned face straight into <paramref name="tensor"/> (3·size·size floats).</summary>
    public static void AlignToTensor(BgrImage image, ReadOnlySpan<PointF> landmarks, int size, ChannelNorm norm,
        Span<float> tensor)
    {
        AffineMatrix imageToCrop = ArcFaceTransform(landmarks, size);
        AffineWarp.WarpToNchw(image, imageToCrop.Invert(), size, size, norm, tensor);
    }
}
