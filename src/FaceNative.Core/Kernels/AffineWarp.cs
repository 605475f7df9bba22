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

    /// <summary>Whether the 4-byte tap loads need the end-of-buffer guard of
    /// <see cref="PixelTaps.Gather(byte*, Vector256{int}, Vector256{int})"/>; decided once per
    /// call and compiled into two copies of the loop.</summary>
    private interface ILoads
    {
        static abstract bool Guarded { get; }
    }

    private struct GuardedLoads : ILoads
    {
        public static bool Guarded => true;
    }

    private struct PlainLoads : ILoads
    {
        public static bool Guarded => false;
    }

    /// <summary>
    /// True when an 8-byte load at any tap this map can touch stays inside the buffer: taps are
    /// clamped into the image, so only the last 8 bytes (the last row's last pixels) are at
    /// risk, and an affine map's extremes over the output rectangle are at its corners. A
    /// 2-pixel margin covers rounding; a non-finite corner answers false.
    /// </summary>
    private static bool LoadsStayInside(AffineMatrix m, int outWidth, int outHeight, int width, int height)
    {
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        int lastU = outWidth - 1, lastV = outHeight - 1;
        foreach ((int u, int v) in new[] { (0, 0), (lastU, 0), (0, lastV), (lastU, lastV) })
        {
            maxX = Math.Max(maxX, m.A * u + m.B * v + m.C);
            maxY = Math.Max(maxY, m.D * u + m.E * v + m.F);
        }
        if (!double.IsFinite(maxX) || !double.IsFinite(maxY)) return false;
        return maxY + 2 < height - 1 || maxX + 2 < width - 8;
    }

    private static unsafe void Warp256(in Source s, ReadOnlySpan<byte> pixels, in ChannelTaps taps, AffineMatrix m,
        int outWidth, int outHeight, float* dst, Span<float> dstSpan)
    {
        // A·u and D·u per output column, once per call: the same double products the reference
        // forms, so (A·u + B·v) + C below rounds exactly as it does.
        double[] terms = System.Buffers.ArrayPool<double>.Shared.Rent(2 * outWidth);
        for (int u = 0; u < outWidth; u++)
        {
            terms[u] = m.A * u;
            terms[outWidth + u] = m.D * u;
        }
        fixed (double* t = terms)
        {
            if (LoadsStayInside(m, outWidth, outHeight, s.Width, s.Height))
                Warp256<PlainLoads>(s, pixels, taps, m, outWidth, outHeight, t, dst, dstSpan);
            else
                Warp256<GuardedLoads>(s, pixels, taps, m, outWidth, outHeight, t, dst, dstSpan);
        }
        System.Buffers.ArrayPool<double>.Shared.Return(terms);
    }

    private static unsafe void Warp256<TLoads>(in Source s, ReadOnlySpan<byte> pixels, in ChannelTaps taps,
        AffineMatrix m, int outWidth, int outHeight, double* terms, float* dst, Span<float> dstSpan)
        where TLoads : struct, ILoads
    {
        int plane = outWidth * outHeight;
        (var c, var f) = (Vector256.Create(m.C), Vector256.Create(m.F));
        (var c8, var f8) = (Vector512.Create(m.C), Vector512.Create(m.F));
        (var low, var highX, var highY) = (Vector256.Create(-4.0), Vector256.Create(s.Width + 4.0),
            Vector256.Create(s.Height + 4.0));
        (var low8, var highX8, var highY8) = (Vector512.Create(-4.0), Vector512.Create(s.Width + 4.0),
            Vector512.Create(s.Height + 4.0));
        (var widthU, var heightU) = (Vector256.Create((uint)s.Width), Vector256.Create((uint)s.Height));
        (var maxX, var maxY) = (Vector256.Create(s.Width - 1), Vector256.Create(s.Height - 1));
        (var stride, var bpp, var lastLoad) = (Vector256.Create(s.Stride), Vector256.Create(taps.Bpp),
            Vector256.Create(s.Length - 4));
        (var pick0, var pick1, var pick2) = (PickByte(taps.Byte0), PickByte(taps.Byte1), PickByte(taps.Byte2));
        (var pair0, var pair1, var pair2) = (PickPairByte(taps.Byte0, taps.Bpp), PickPairByte(taps.Byte1, taps.Bpp),
            PickPairByte(taps.Byte2, taps.Bpp));
        // Pair loads need two pixels in a row; interior means x0 ≤ width - 2.
        bool pairs = s.Width >= 2;
        var interiorU = Vector256.Create((uint)(s.Width - 1));
        (var mean0, var mean1, var mean2) = (Vector256.Create(taps.Mean0), Vector256.Create(taps.Mean1),
            Vector256.Create(taps.Mean2));
        (var scale0, var scale1, var scale2) = (Vector256.Create(taps.Scale0), Vector256.Create(taps.Scale1),
            Vector256.Create(taps.Scale2));
        var one = Vector256.Create(1f);

        for (int v = 0; v < outHeight; v++)
        {
            double bv = m.B * v, ev = m.E * v;
            int row = v * outWidth;

            // Eight pixels per step; a short row ends with an overlapping step (the same values
            // written twice), a row under 8 pixels is scalar.
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

                // Source coordinates (A·u + B·v) + C in double, then clamped to [-4, size + 4]
                // with the native max/min, which also turn NaN into -4 (maxpd returns its second
                // operand on NaN). Every lane the reference rejects (non-finite, ≤ -1 or ≥ size)
                // then has no tap inside the image, or only taps of weight exactly 0, so it
                // comes out black as in the reference, and the conversions cannot overflow.
                Vector256<float> fx, fy;
                Vector256<int> x0, y0;
                if (Avx512F.IsSupported)
                {
                    var sx = Avx512F.Min(Avx512F.Max(Vector512.Load(terms + u) + Vector512.Create(bv) + c8, low8),
                        highX8);
                    var sy = Avx512F.Min(Avx512F.Max(Vector512.Load(terms + outWidth + u) + Vector512.Create(ev) + f8,
                        low8), highY8);
                    var flx = Vector512.Floor(sx);
                    var fly = Vector512.Floor(sy);
                    fx = Avx512F.ConvertToVector256Single(sx - flx);
                    fy = Avx512F.ConvertToVector256Single(sy - fly);
                    x0 = Avx512F.ConvertToVector256Int32WithTruncation(flx);
                    y0 = Avx512F.ConvertToVector256Int32WithTruncation(fly);
                }
                else
                {
                    var bv4 = Vector256.Create(bv);
                    var ev4 = Vector256.Create(ev);
                    var sxLo = Avx.Min(Avx.Max(Vector256.Load(terms + u) + bv4 + c, low), highX);
                    var sxHi = Avx.Min(Avx.Max(Vector256.Load(terms + u + 4) + bv4 + c, low), highX);
                    var syLo = Avx.Min(Avx.Max(Vector256.Load(terms + outWidth + u) + ev4 + f, low), highY);
                    var syHi = Avx.Min(Avx.Max(Vector256.Load(terms + outWidth + u + 4) + ev4 + f, low), highY);
                    var flxLo = Vector256.Floor(sxLo);
                    var flxHi = Vector256.Floor(sxHi);
                    var flyLo = Vector256.Floor(syLo);
                    var flyHi = Vector256.Floor(syHi);
                    fx = Vector256.Create(Avx.ConvertToVector128Single(sxLo - flxLo),
                        Avx.ConvertToVector128Single(sxHi - flxHi));
                    fy = Vector256.Create(Avx.ConvertToVector128Single(syLo - flyLo),
                        Avx.ConvertToVector128Single(syHi - flyHi));
                    x0 = Vector256.Create(Avx.ConvertToVector128Int32WithTruncation(flxLo),
                        Avx.ConvertToVector128Int32WithTruncation(flxHi));
                    y0 = Vector256.Create(Avx.ConvertToVector128Int32WithTruncation(flyLo),
                        Avx.ConvertToVector128Int32WithTruncation(flyHi));
                }
                var x1 = x0 + Vector256<int>.One;
                var y1 = y0 + Vector256<int>.One;
                var inY0 = Vector256.LessThan(y0.AsUInt32(), heightU).AsInt32();
                var inY1 = Vector256.LessThan(y1.AsUInt32(), heightU).AsInt32();
                var row0 = Vector256.Min(Vector256.Max(y0, Vector256<int>.Zero), maxY) * stride;
                var row1 = Vector256.Min(Vector256.Max(y1, Vector256<int>.Zero), maxY) * stride;
                var gx = one - fx;
                var gy = one - fy;
                float* o = dst + row + u;

                // Interior step (every x0 in [0, width - 2], the usual case): both horizontal
                // taps of a row come from one 8-byte load, half the gathered elements of the
                // general step. A row outside the image gets weight 0 instead of masked pixels,
                // which adds the same +0 the general step adds.
                if (!TLoads.Guarded && pairs
                    && Vector256.LessThanAll(x0.AsUInt32(), interiorU))
                {
                    var col = x0 * bpp;
                    var w00 = (gy * gx) & inY0.AsSingle();
                    var w01 = (gy * fx) & inY0.AsSingle();
                    var w10 = (fy * gx) & inY1.AsSingle();
                    var w11 = (fy * fx) & inY1.AsSingle();
                    var (a0, b0) = GatherPairs(s.Pixels, row0 + col);
                    var (a1, b1) = GatherPairs(s.Pixels, row1 + col);
                    ((BlendPairs(a0, b0, a1, b1, w00, w01, w10, w11, pair0) - mean0) * scale0).Store(o);
                    ((BlendPairs(a0, b0, a1, b1, w00, w01, w10, w11, pair1) - mean1) * scale1).Store(o + plane);
                    ((BlendPairs(a0, b0, a1, b1, w00, w01, w10, w11, pair2) - mean2) * scale2).Store(o + 2 * plane);
                    continue;
                }

                // General step: four gathers; a tap outside the image reads a clamped (valid)
                // address and is masked to 0.
                {
                    var inX0 = Vector256.LessThan(x0.AsUInt32(), widthU).AsInt32();
                    var inX1 = Vector256.LessThan(x1.AsUInt32(), widthU).AsInt32();
                    var col0 = Vector256.Min(Vector256.Max(x0, Vector256<int>.Zero), maxX) * bpp;
                    var col1 = Vector256.Min(Vector256.Max(x1, Vector256<int>.Zero), maxX) * bpp;
                    var t00 = Load<TLoads>(s.Pixels, row0 + col0, lastLoad) & (inY0 & inX0);
                    var t01 = Load<TLoads>(s.Pixels, row0 + col1, lastLoad) & (inY0 & inX1);
                    var t10 = Load<TLoads>(s.Pixels, row1 + col0, lastLoad) & (inY1 & inX0);
                    var t11 = Load<TLoads>(s.Pixels, row1 + col1, lastLoad) & (inY1 & inX1);

                    // Weights as the reference forms them, w = wy · wx, and the taps summed in
                    // its order, (y0,x0), (y0,x1), (y1,x0), (y1,x1), with separate multiply and add.
                    var w00 = gy * gx;
                    var w01 = gy * fx;
                    var w10 = fy * gx;
                    var w11 = fy * fx;
                    ((Blend(t00, t01, t10, t11, w00, w01, w10, w11, pick0) - mean0) * scale0).Store(o);
                    ((Blend(t00, t01, t10, t11, w00, w01, w10, w11, pick1) - mean1) * scale1).Store(o + plane);
                    ((Blend(t00, t01, t10, t11, w00, w01, w10, w11, pick2) - mean2) * scale2).Store(o + 2 * plane);
                }
            }
        }
    }

    /// <summary>
    /// 8-byte loads at the 8 offsets (pixel x0 and x0 + 1 of one row each), as two gathers of
    /// four: <c>a</c> holds lanes 0, 1, 4, 5 and <c>b</c> lanes 2, 3, 6, 7, the order in which a
    /// 64-bit unpack of the two puts the lanes back in sequence (see <see cref="BlendPairs"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<long> A, Vector256<long> B) GatherPairs(byte* pixels, Vector256<int> offset)
    {
        var order = Avx2.Permute4x64(offset.AsInt64(), 0b11_01_10_00).AsInt32();
        return (Avx2.GatherVector256((long*)pixels, order.GetLower(), 1),
            Avx2.GatherVector256((long*)pixels, order.GetUpper(), 1));
    }

    /// <summary>One channel from pair loads: the byte shuffle turns each 128-bit half
    /// [pixel p | pixel q] into dwords [left p, left q, right p, right q]; unpacking the low and
    /// high 64 bits of the two halves' results gives left and right taps of lanes 0…7 in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlendPairs(Vector256<long> a0, Vector256<long> b0, Vector256<long> a1,
        Vector256<long> b1, Vector256<float> w00, Vector256<float> w01, Vector256<float> w10, Vector256<float> w11,
        Vector256<byte> pick)
    {
        var sa0 = Avx2.Shuffle(a0.AsByte(), pick).AsInt64();
        var sb0 = Avx2.Shuffle(b0.AsByte(), pick).AsInt64();
        var sa1 = Avx2.Shuffle(a1.AsByte(), pick).AsInt64();
        var sb1 = Avx2.Shuffle(b1.AsByte(), pick).AsInt64();
        var p00 = Vector256.ConvertToSingle(Avx2.UnpackLow(sa0, sb0).AsInt32());
        var p01 = Vector256.ConvertToSingle(Avx2.UnpackHigh(sa0, sb0).AsInt32());
        var p10 = Vector256.ConvertToSingle(Avx2.UnpackLow(sa1, sb1).AsInt32());
        var p11 = Vector256.ConvertToSingle(Avx2.UnpackHigh(sa1, sb1).AsInt32());
        return w00 * p00 + w01 * p01 + w10 * p10 + w11 * p11;
    }

    /// <summary>The byte shuffle for <see cref="BlendPairs"/>: in each 128-bit half, dword 0 takes
    /// byte <paramref name="index"/> of the first pixel, dword 1 of the second pixel (byte 8 on),
    /// dwords 2 and 3 the same bytes of the right-hand neighbours (bpp bytes further).</summary>
    private static Vector256<byte> PickPairByte(int index, int bpp)
    {
        Span<byte> mask = stackalloc byte[32];
        mask.Fill(0x80);
        for (int half = 0; half < 32; half += 16)
        {
            mask[half] = (byte)index;
            mask[half + 4] = (byte)(8 + index);
            mask[half + 8] = (byte)(bpp + index);
            mask[half + 12] = (byte)(8 + bpp + index);
        }
        return Vector256.Create<byte>(mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<int> Load<TLoads>(byte* pixels, Vector256<int> offset, Vector256<int> lastLoad)
        where TLoads : struct, ILoads =>
        TLoads.Guarded ? PixelTaps.Gather(pixels, offset, lastLoad) : Avx2.GatherVector256((int*)pixels, offset, 1);

    /// <summary>A byte shuffle that moves byte <paramref name="index"/> of each 32-bit lane to
    /// the lane's low byte and zeroes the rest (0x80 selects zero).</summary>
    private static Vector256<byte> PickByte(int index)
    {
        Span<byte> mask = stackalloc byte[32];
        for (int lane = 0; lane < 8; lane++)
        {
            mask[4 * lane] = (byte)(4 * (lane & 3) + index);
            mask[4 * lane + 1] = mask[4 * lane + 2] = mask[4 * lane + 3] = 0x80;
        }
        return Vector256.Create<byte>(mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Blend(Vector256<int> t00, Vector256<int> t01, Vector256<int> t10,
        Vector256<int> t11, Vector256<float> w00, Vector256<float> w01, Vector256<float> w10, Vector256<float> w11,
        Vector256<byte> pick)
    {
        var p00 = Vector256.ConvertToSingle(Avx2.Shuffle(t00.AsByte(), pick).AsInt32());
        var p01 = Vector256.ConvertToSingle(Avx2.Shuffle(t01.AsByte(), pick).AsInt32());
        var p10 = Vector256.ConvertToSingle(Avx2.Shuffle(t10.AsByte(), pick).AsInt32());
        var p11 = Vector256.ConvertToSingle(Avx2.Shuffle(t11.AsByte(), pick).AsInt32());
        return w00 * p00 + w01 * p01 + w10 * p10 + w11 * p11;
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
                $"{pixels.Length} bytes with stride {stride} do not hold a {width}x{height} image " +
                $"of {bpp} bytes/pixel");
        if (outWidth < 0 || outHeight < 0)
            throw new ArgumentOutOfRangeException(nameof(outWidth), "output size is negative");
        if (dst.Length < 3L * outWidth * outHeight)
            throw new ArgumentException("destination tensor is too small", nameof(dst));
    }
}
