using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FaceNative.Geometry;
using FaceNative.Imaging;

namespace FaceNative.Kernels;

/// <summary>
/// Bilinear warp of an 8-bit image (BGR, RGB, RGBA, BGRA or gray) through an affine map
/// straight into a normalised planar (NCHW, one image) float tensor. Used for the aligned
/// recognizer crop and the attribute crops.
/// </summary>
/// <remarks>
/// <see cref="WarpToNchw(BgrImage, AffineMatrix, int, int, ChannelNorm, Span{float})"/> is
/// bit-exact with <see cref="WarpToNchwReference(BgrImage, AffineMatrix, int, int, ChannelNorm,
/// Span{float})"/> on every path: source coordinates are computed in double in the same
/// order, and the weights and the sum of the four taps use the same float operations in the
/// same order (no fused multiply-add).
/// </remarks>
public static class AffineWarp
{
    /// <summary>
    /// Scalar reference. <paramref name="dstToSrc"/> maps output pixel centres to source
    /// coordinates (integer = pixel centre, as in OpenCV's warpAffine). Neighbours outside the
    /// source count as black, i.e. a constant zero border before normalisation.
    /// </summary>
    public static void WarpToNchwReference(BgrImage src, AffineMatrix dstToSrc, int outWidth, int outHeight,
        ChannelNorm norm, Span<float> dst) =>
        WarpToNchwReference(src.Pixels, src.Width, src.Height, src.Stride, PixelFormat.Bgr24, dstToSrc,
            outWidth, outHeight, norm, dst);

    /// <summary>Scalar reference for any 8-bit source layout; <paramref name="stride"/> is the
    /// distance in bytes between row starts.</summary>
    public static void WarpToNchwReference(ReadOnlySpan<byte> pixels, int width, int height, int stride,
        PixelFormat format, AffineMatrix dstToSrc, int outWidth, int outHeight, ChannelNorm norm, Span<float> dst)
    {
        var taps = new ChannelTaps(format, norm);
        Validate(pixels, width, height, stride, taps.Bpp, outWidth, outHeight, dst);

        for (int v = 0; v < outHeight; v++)
            for (int u = 0; u < outWidth; u++)
                WarpPixel(pixels, width, height, stride, taps, dstToSrc, u, v, outWidth, outWidth * outHeight, dst);
    }

    /// <summary>Vectorised warp, bit-exact with the reference: AVX2 (8 output pixels per step,
    /// hardware gathers), else 128-bit vectors (4 per step), else the scalar reference.</summary>
    public static void WarpToNchw(BgrImage src, AffineMatrix dstToSrc, int outWidth, int outHeight,
        ChannelNorm norm, Span<float> dst) =>
        WarpToNchw(src.Pixels, src.Width, src.Height, src.Stride, PixelFormat.Bgr24, dstToSrc,
            outWidth, outHeight, norm, dst);

    /// <inheritdoc cref="WarpToNchw(BgrImage, AffineMatrix, int, int, ChannelNorm, Span{float})"/>
    public static unsafe void WarpToNchw(ReadOnlySpan<byte> pixels, int width, int height, int stride,
        PixelFormat format, AffineMatrix dstToSrc, int outWidth, int outHeight, ChannelNorm norm, Span<float> dst)
    {
        var taps = new ChannelTaps(format, norm);
        Validate(pixels, width, height, stride, taps.Bpp, outWidth, outHeight, dst);

        // The vector paths load 4 bytes per tap; a source under 4 bytes (a 1×1 image) has no
        // position such a load fits in, so it takes the scalar path.
        int length = Math.Min(pixels.Length, stride * (height - 1) + width * taps.Bpp);
        if (length < 4 || outWidth == 0 || outHeight == 0)
        {
            WarpToNchwReference(pixels, width, height, stride, format, dstToSrc, outWidth, outHeight, norm, dst);
            return;
        }

        fixed (byte* p = pixels)
        fixed (float* d = dst)
        {
            var source = new Source(p, length, width, height, stride);
            if (Avx2.IsSupported)
                Warp256(source, pixels, taps, dstToSrc, outWidth, outHeight, d, dst);
            else if (Vector128.IsHardwareAccelerated)
                Warp128(source, pixels, taps, dstToSrc, outWidth, outHeight, d, dst);
            else
                WarpToNchwReference(pixels, width, height, stride, format, dstToSrc, outWidth, outHeight, norm, dst);
        }
    }

    private readonly unsafe struct Source(byte* pixels, int length, int width, int height, int stride)
    {
        public readonly byte* Pixels = pixels;
        public readonly int Length = length, Width = width, Height = height, Stride = stride;
    }

    private static unsafe void Warp256(in Source s, ReadOnlySpan<byte> pixels, in ChannelTaps taps, AffineMatrix m,
        int outWidth, int outHeight, float* dst, Span<float> dstSpan)
    {
        int plane = outWidth * outHeight;
        var lanes = Vector256.Create(0.0, 1, 2, 3);
        var four = Vector256.Create(4.0);
        (var a, var c, var d, var f) = (Vector256.Create(m.A), Vector256.Create(m.C), Vector256.Create(m.D),
            Vector256.Create(m.F));
        (var minusOne, var widthD, var heightD) = (Vector256.Create(-1.0), Vector256.Create((double)s.Width),
            Vector256.Create((double)s.Height));
        (var widthU, var heightU) = (Vector256.Create((uint)s.Width), Vector256.Create((uint)s.Height));
        (var maxX, var maxY) = (Vector256.Create(s.Width - 1), Vector256.Create(s.Height - 1));
        (var stride, var bpp, var lastLoad) = (Vector256.Create(s.Stride), Vector256.Create(taps.Bpp),
            Vector256.Create(s.Length - 4));
        var one = Vector256.Create(1f);

        for (int v = 0; v < outHeight; v++)
        {
            var bv = Vector256.Create(m.B * v);
            var ev = Vector256.Create(m.E * v);
            int row = v * outWidth;

            // Eight pixels per step as two halves of four doubles; a short row ends with an
            // overlapping step (same values written twice), a row under 8 pixels is scalar.
            for (int u = 0; ; u += 8)
            {
                if (u > outWidth - 8)
                {
                    if (u == outWidth) break;
                    if (outWidth < 8)
                    {
                        for (; u < outWidth; u++)
                            WarpPixel(pixels, s.Width, s.Height, s.Stride, taps, m, u, v, outWidth, plane, dstSpan);
                        break;
                    }
                    u = outWidth - 8;
                }

                // Source coordinates in double, summed in the reference's order: (A·u + B·v) + C.
                var uLo = Vector256.Create((double)u) + lanes;
                var uHi = uLo + four;
                var sxLo = a * uLo + bv + c;
                var sxHi = a * uHi + bv + c;
                var syLo = d * uLo + ev + f;
                var syHi = d * uHi + ev + f;

                // Lanes the reference rejects outright (non-finite, or no tap inside) move to
                // -4, where both taps fall outside and the conversions below cannot overflow.
                var insideLo = Vector256.GreaterThan(sxLo, minusOne) & Vector256.LessThan(sxLo, widthD)
                    & Vector256.GreaterThan(syLo, minusOne) & Vector256.LessThan(syLo, heightD);
                var insideHi = Vector256.GreaterThan(sxHi, minusOne) & Vector256.LessThan(sxHi, widthD)
                    & Vector256.GreaterThan(syHi, minusOne) & Vector256.LessThan(syHi, heightD);
                var outside = Vector256.Create(-4.0);
                sxLo = Vector256.ConditionalSelect(insideLo, sxLo, outside);
                sxHi = Vector256.ConditionalSelect(insideHi, sxHi, outside);
                syLo = Vector256.ConditionalSelect(insideLo, syLo, outside);
                syHi = Vector256.ConditionalSelect(insideHi, syHi, outside);

                var flxLo = Vector256.Floor(sxLo);
                var flxHi = Vector256.Floor(sxHi);
                var flyLo = Vector256.Floor(syLo);
                var flyHi = Vector256.Floor(syHi);
                var fx = Vector256.Narrow(sxLo - flxLo, sxHi - flxHi);
                var fy = Vector256.Narrow(syLo - flyLo, syHi - flyHi);
                var x0 = Vector256.Create(Avx.ConvertToVector128Int32WithTruncation(flxLo),
                    Avx.ConvertToVector128Int32WithTruncation(flxHi));
                var y0 = Vector256.Create(Avx.ConvertToVector128Int32WithTruncation(flyLo),
                    Avx.ConvertToVector128Int32WithTruncation(flyHi));
                var x1 = x0 + Vector256<int>.One;
                var y1 = y0 + Vector256<int>.One;

                // A tap outside the image reads a clamped (valid) address and is masked to 0;
                // x0, y0 lie in [-4, size - 1], so x1, y1 need clamping on both sides.
                var inX0 = Vector256.LessThan(x0.AsUInt32(), widthU).AsInt32();
                var inX1 = Vector256.LessThan(x1.AsUInt32(), widthU).AsInt32();
                var inY0 = Vector256.LessThan(y0.AsUInt32(), heightU).AsInt32();
                var inY1 = Vector256.LessThan(y1.AsUInt32(), heightU).AsInt32();
                var col0 = Vector256.Max(x0, Vector256<int>.Zero) * bpp;
                var col1 = Vector256.Min(Vector256.Max(x1, Vector256<int>.Zero), maxX) * bpp;
                var row0 = Vector256.Max(y0, Vector256<int>.Zero) * stride;
                var row1 = Vector256.Min(Vector256.Max(y1, Vector256<int>.Zero), maxY) * stride;
                var t00 = PixelTaps.Gather(s.Pixels, row0 + col0, lastLoad) & (inY0 & inX0);
                var t01 = PixelTaps.Gather(s.Pixels, row0 + col1, lastLoad) & (inY0 & inX1);
                var t10 = PixelTaps.Gather(s.Pixels, row1 + col0, lastLoad) & (inY1 & inX0);
                var t11 = PixelTaps.Gather(s.Pixels, row1 + col1, lastLoad) & (inY1 & inX1);

                // Weights as the reference forms them: w = wy · wx.
                var gx = one - fx;
                var gy = one - fy;
                var w00 = gy * gx;
                var w01 = gy * fx;
                var w10 = fy * gx;
                var w11 = fy * fx;

                float* o = dst + row + u;
                for (int ch = 0; ch < 3; ch++)
                {
                    int b = taps.Byte(ch);
                    var sum = w00 * PixelTaps.Channel(t00, b) + w01 * PixelTaps.Channel(t01, b)
                        + w10 * PixelTaps.Channel(t10, b) + w11 * PixelTaps.Channel(t11, b);
                    ((sum - Vector256.Create(taps.Mean(ch))) * Vector256.Create(taps.Scale(ch)))
                        .Store(o + ch * plane);
                }
            }
        }
    }

    private static unsafe void Warp128(in Source s, ReadOnlySpan<byte> pixels, in ChannelTaps taps, AffineMatrix m,
        int outWidth, int outHeight, float* dst, Span<float> dstSpan)
    {
        int plane = outWidth * outHeight;
        var lanes = Vector128.Create(0.0, 1);
        var two = Vector128.Create(2.0);
        (var a, var c, var d, var f) = (Vector128.Create(m.A), Vector128.Create(m.C), Vector128.Create(m.D),
            Vector128.Create(m.F));
        (var minusOne, var widthD, var heightD) = (Vector128.Create(-1.0), Vector128.Create((double)s.Width),
            Vector128.Create((double)s.Height));
        (var widthU, var heightU) = (Vector128.Create((uint)s.Width), Vector128.Create((uint)s.Height));
        (var maxX, var maxY) = (Vector128.Create(s.Width - 1), Vector128.Create(s.Height - 1));
        (var stride, var bpp) = (Vector128.Create(s.Stride), Vector128.Create(taps.Bpp));
        int lastLoad = s.Length - 4;
        var one = Vector128.Create(1f);

        for (int v = 0; v < outHeight; v++)
        {
            var bv = Vector128.Create(m.B * v);
            var ev = Vector128.Create(m.E * v);
            int row = v * outWidth;

            // Four pixels per step as two halves of two doubles; the same tail rule as Warp256.
            for (int u = 0; ; u += 4)
            {
                if (u > outWidth - 4)
                {
                    if (u == outWidth) break;
                    if (outWidth < 4)
                    {
                        for (; u < outWidth; u++)
                            WarpPixel(pixels, s.Width, s.Height, s.Stride, taps, m, u, v, outWidth, plane, dstSpan);
                        break;
                    }
                    u = outWidth - 4;
                }

                var uLo = Vector128.Create((double)u) + lanes;
                var uHi = uLo + two;
                var sxLo = a * uLo + bv + c;
                var sxHi = a * uHi + bv + c;
                var syLo = d * uLo + ev + f;
                var syHi = d * uHi + ev + f;

                var insideLo = Vector128.GreaterThan(sxLo, minusOne) & Vector128.LessThan(sxLo, widthD)
                    & Vector128.GreaterThan(syLo, minusOne) & Vector128.LessThan(syLo, heightD);
                var insideHi = Vector128.GreaterThan(sxHi, minusOne) & Vector128.LessThan(sxHi, widthD)
                    & Vector128.GreaterThan(syHi, minusOne) & Vector128.LessThan(syHi, heightD);
                var outside = Vector128.Create(-4.0);
                sxLo = Vector128.ConditionalSelect(insideLo, sxLo, outside);
                sxHi = Vector128.ConditionalSelect(insideHi, sxHi, outside);
                syLo = Vector128.ConditionalSelect(insideLo, syLo, outside);
                syHi = Vector128.ConditionalSelect(insideHi, syHi, outside);

                var flxLo = Vector128.Floor(sxLo);
                var flxHi = Vector128.Floor(sxHi);
                var flyLo = Vector128.Floor(syLo);
                var flyHi = Vector128.Floor(syHi);
                var fx = Vector128.Narrow(sxLo - flxLo, sxHi - flxHi);
                var fy = Vector128.Narrow(syLo - flyLo, syHi - flyHi);
                var x0 = Vector128.Narrow(Vector128.ConvertToInt64(flxLo), Vector128.ConvertToInt64(flxHi));
                var y0 = Vector128.Narrow(Vector128.ConvertToInt64(flyLo), Vector128.ConvertToInt64(flyHi));
                var x1 = x0 + Vector128<int>.One;
                var y1 = y0 + Vector128<int>.One;

                var inX0 = Vector128.LessThan(x0.AsUInt32(), widthU).AsInt32();
                var inX1 = Vector128.LessThan(x1.AsUInt32(), widthU).AsInt32();
                var inY0 = Vector128.LessThan(y0.AsUInt32(), heightU).AsInt32();
                var inY1 = Vector128.LessThan(y1.AsUInt32(), heightU).AsInt32();
                var col0 = Vector128.Max(x0, Vector128<int>.Zero) * bpp;
                var col1 = Vector128.Min(Vector128.Max(x1, Vector128<int>.Zero), maxX) * bpp;
                var row0 = Vector128.Max(y0, Vector128<int>.Zero) * stride;
                var row1 = Vector128.Min(Vector128.Max(y1, Vector128<int>.Zero), maxY) * stride;
                var t00 = PixelTaps.Gather(s.Pixels, row0 + col0, lastLoad) & (inY0 & inX0);
                var t01 = PixelTaps.Gather(s.Pixels, row0 + col1, lastLoad) & (inY0 & inX1);
                var t10 = PixelTaps.Gather(s.Pixels, row1 + col0, lastLoad) & (inY1 & inX0);
                var t11 = PixelTaps.Gather(s.Pixels, row1 + col1, lastLoad) & (inY1 & inX1);

                var gx = one - fx;
                var gy = one - fy;
                var w00 = gy * gx;
                var w01 = gy * fx;
                var w10 = fy * gx;
                var w11 = fy * fx;

                float* o = dst + row + u;
                for (int ch = 0; ch < 3; ch++)
                {
                    int b = taps.Byte(ch);
                    var sum = w00 * PixelTaps.Channel(t00, b) + w01 * PixelTaps.Channel(t01, b)
                        + w10 * PixelTaps.Channel(t10, b) + w11 * PixelTaps.Channel(t11, b);
                    ((sum - Vector128.Create(taps.Mean(ch))) * Vector128.Create(taps.Scale(ch)))
                        .Store(o + ch * plane);
                }
            }
        }
    }

    /// <summary>One output pixel of the reference: the four taps summed in the order
    /// (y0,x0), (y0,x1), (y1,x0), (y1,x1); taps outside the image are skipped (black).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WarpPixel(ReadOnlySpan<byte> pixels, int width, int height, int stride, in ChannelTaps taps,
        AffineMatrix m, int u, int v, int outWidth, int plane, Span<float> dst)
    {
        double sx = m.A * u + m.B * v + m.C;
        double sy = m.D * u + m.E * v + m.F;
        float s0 = 0, s1 = 0, s2 = 0;

        if (double.IsFinite(sx) && double.IsFinite(sy) && sx > -1 && sy > -1 && sx < width && sy < height)
        {
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
                    int p = y * stride + x * taps.Bpp;
                    s0 += w * pixels[p + taps.Byte0];
                    s1 += w * pixels[p + taps.Byte1];
                    s2 += w * pixels[p + taps.Byte2];
                }
            }
        }

        int o = v * outWidth + u;
        dst[o] = (s0 - taps.Mean0) * taps.Scale0;
        dst[plane + o] = (s1 - taps.Mean1) * taps.Scale1;
        dst[2 * plane + o] = (s2 - taps.Mean2) * taps.Scale2;
    }

    private static void Validate(ReadOnlySpan<byte> pixels, int width, int height, int stride, int bpp,
        int outWidth, int outHeight, Span<float> dst)
    {
        if (width <= 0 || height <= 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"image size {width}x{height} is empty");
        if (stride < width * bpp || (long)stride * (height - 1) + (long)width * bpp > pixels.Length)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"{pixels.Length} bytes with stride {stride} do not hold a {width}x{height} image of {bpp} bytes/pixel");
        if (outWidth < 0 || outHeight < 0)
            throw new ArgumentOutOfRangeException(nameof(outWidth), "output size is negative");
        if (dst.Length < 3L * outWidth * outHeight)
            throw new ArgumentException("destination tensor is too small", nameof(dst));
    }
}
