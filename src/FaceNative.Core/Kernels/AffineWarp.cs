using FaceNative.Geometry;
using FaceNative.Imaging;

namespace FaceNative.Kernels;

/// <summary>
/// Bilinear warp of a BGR image through an affine map straight into a normalised planar
/// (NCHW, one image) float tensor. Used for the aligned recognizer crop and the liveness and
/// attribute crops.
/// </summary>
public static class AffineWarp
{
    /// <summary>
    /// Scalar reference. <paramref name="dstToSrc"/> maps output pixel centres to source
    /// coordinates (integer = pixel centre, as in OpenCV's warpAffine). Neighbours outside the
    /// source count as black, i.e. a constant zero border before normalisation.
    /// </summary>
    public static void WarpToNchwReference(BgrImage src, AffineMatrix dstToSrc, int outWidth, int outHeight,
        ChannelNorm norm, Span<float> dst)
    {
        int plane = outWidth * outHeight;
        if (dst.Length < 3 * plane)
            throw new ArgumentException("destination tensor is too small", nameof(dst));

        byte[] pixels = src.Pixels;
        int width = src.Width, height = src.Height, stride = src.Stride;
        Span<float> sample = stackalloc float[3];

        for (int v = 0; v < outHeight; v++)
        {
            for (int u = 0; u < outWidth; u++)
            {
                double sx = dstToSrc.A * u + dstToSrc.B * v + dstToSrc.C;
                double sy = dstToSrc.D * u + dstToSrc.E * v + dstToSrc.F;
                SampleBilinear(pixels, width, height, stride, sx, sy, sample);

                int o = v * outWidth + u;
                for (int c = 0; c < 3; c++)
                    dst[c * plane + o] = (sample[norm.SourceIndex(c)] - norm.Mean(c)) * norm.Scale(c);
            }
        }
    }

    /// <summary>Bilinear sample of all three channels; taps outside the image contribute 0.</summary>
    internal static void SampleBilinear(byte[] pixels, int width, int height, int stride,
        double sx, double sy, Span<float> bgr)
    {
        bgr.Clear();
        if (!double.IsFinite(sx) || !double.IsFinite(sy) || sx <= -1 || sy <= -1 || sx >= width || sy >= height)
            return;

        int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
        float fx = (float)(sx - x0), fy = (float)(sy - y0);

        for (int dy = 0; dy < 2; dy++)
        {
            int y = y0 + dy;
            if ((uint)y >= (uint)height) continue;
            float wy = dy == 0 ? 1 - fy : fy;
            for (int dx = 0; dx < 2; dx++)
            {
                int x = x0 + dx;
                if ((uint)x >= (uint)width) continue;
                float w = wy * (dx == 0 ? 1 - fx : fx);
                int p = y * stride + x * 3;
                bgr[0] += w * pixels[p];
                bgr[1] += w * pixels[p + 1];
                bgr[2] += w * pixels[p + 2];
            }
        }
    }
}
