using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FaceNative.Imaging;

namespace FaceNative.Kernels;

/// <summary>Where a letterboxed image sits inside a detector input.</summary>
/// <param name="ResizedWidth">Width of the resized image, placed at the top-left.</param>
/// <param name="ResizedHeight">Height of the resized image.</param>
/// <param name="Scale">Factor from original to detector pixels (divide detector output by it).</param>
/// <param name="OffsetX">Where the resized image's left edge sits in the input (0 = top-left placement).</param>
public readonly record struct LetterboxLayout(int InputWidth, int InputHeight, int ResizedWidth,
    int ResizedHeight, float Scale, int OffsetX = 0, int OffsetY = 0)
{
    /// <summary>The same fit shrunk by <paramref name="fill"/> and centred: a face that fills
    /// the whole photo becomes a face of a size the detector's anchors were trained on.</summary>
    public LetterboxLayout Shrunk(float fill)
    {
        int w = Math.Max(1, (int)(ResizedWidth * fill)), h = Math.Max(1, (int)(ResizedHeight * fill));
        return this with
        {
            ResizedWidth = w,
            ResizedHeight = h,
            Scale = Scale * h / ResizedHeight,
            OffsetX = (InputWidth - w) / 2,
            OffsetY = (InputHeight - h) / 2,
        };
    }

    /// <summary>Fits the image into the input keeping its aspect ratio, the way InsightFace's
    /// SCRFD wrapper does (the longer relative side fills the input; the other is truncated).</summary>
    public static LetterboxLayout Fit(int imageWidth, int imageHeight, int inputWidth, int inputHeight)
    {
        double imageRatio = (double)imageHeight / imageWidth;
        double inputRatio = (double)inputHeight / inputWidth;
        int newWidth, newHeight;
        if (imageRatio > inputRatio)
        {
            newHeight = inputHeight;
            newWidth = Math.Max(1, (int)(newHeight / imageRatio));
        }
        else
        {
            newWidth = inputWidth;
            newHeight = Math.Max(1, (int)(newWidth * imageRatio));
        }
        return new LetterboxLayout(inputWidth, inputHeight, newWidth, newHeight, (float)newHeight / imageHeight);
    }
}

/// <summary>Resize into a detector input (top-left unless the layout is offset), pad with black,
/// normalise, HWC→CHW.</summary>
/// <remarks>
/// <see cref="ToNchw"/> is bit-exact with <see cref="ToNchwReference"/> on every path: the taps
/// come from the same <see cref="ClampedTap"/> and the blend uses the same float operations in
/// the same order (no fused multiply-add). The same core serves <see cref="CropResize.ToNchw"/>.
/// </remarks>
public static class Letterbox
{
    /// <summary>
    /// Scalar reference. Sampling follows OpenCV's bilinear resize: pixel centres aligned,
    /// coordinates clamped to the edge (the resize itself never reads black), and the padding
    /// is black (pixel value 0) before normalisation.
    /// </summary>
    public static void ToNchwReference(BgrImage src, LetterboxLayout layout, ChannelNorm norm, Span<float> dst)
    {
        int w = layout.InputWidth, h = layout.InputHeight, plane = w * h;
        if (dst.Length < 3 * plane)
            throw new ArgumentException("destination tensor is too small", nameof(dst));

        Span<float> pad = stackalloc float[3];
        for (int c = 0; c < 3; c++)
            pad[c] = (0 - norm.Mean(c)) * norm.Scale(c);

        double scaleX = (double)src.Width / layout.ResizedWidth;
        double scaleY = (double)src.Height / layout.ResizedHeight;
        byte[] pixels = src.Pixels;
        int stride = src.Stride;

        for (int y = 0; y < h; y++)
        {
            int ry = y - layout.OffsetY;
            bool rowInside = ry >= 0 && ry < layout.ResizedHeight;
            ClampedTap(ry, scaleY, src.Height, out int y0, out int y1, out float fy);
            for (int x = 0; x < w; x++)
            {
                int o = y * w + x, rx = x - layout.OffsetX;
                if (!rowInside || rx < 0 || rx >= layout.ResizedWidth)
                {
                    for (int c = 0; c < 3; c++) dst[c * plane + o] = pad[c];
                    continue;
                }

                ClampedTap(rx, scaleX, src.Width, out int x0, out int x1, out float fx);
                for (int c = 0; c < 3; c++)
                {
                    int s = norm.SourceIndex(c);
                    float top = pixels[y0 * stride + x0 * 3 + s] * (1 - fx) + pixels[y0 * stride + x1 * 3 + s] * fx;
                    float bottom = pixels[y1 * stride + x0 * 3 + s] * (1 - fx) + pixels[y1 * stride + x1 * 3 + s] * fx;
                    float value = top * (1 - fy) + bottom * fy;
                    dst[c * plane + o] = (value - norm.Mean(c)) * norm.Scale(c);
                }
            }
        }
    }

    /// <summary>Vectorised letterbox, bit-exact with <see cref="ToNchwReference"/>, written
    /// straight into the inference input buffer.</summary>
    public static void ToNchw(BgrImage src, LetterboxLayout layout, ChannelNorm norm, Span<float> dst)
    {
        if (dst.Length < 3L * layout.InputWidth * layout.InputHeight)
            throw new ArgumentException("destination tensor is too small", nameof(dst));
        ResizeToNchw(src.Pixels, src.Stride, new ChannelTaps(PixelFormat.Bgr24, norm),
            new CropRect(0, 0, src.Width, src.Height), layout.InputWidth, layout.InputHeight,
            new CropRect(layout.OffsetX, layout.OffsetY, layout.ResizedWidth, layout.ResizedHeight), dst);
    }

    /// <summary>
    /// The shared resize core: the source rectangle <paramref name="from"/> (inside the image)
    /// resized bilinearly onto the rectangle <paramref name="into"/> of a
    /// <paramref name="tensorWidth"/>×<paramref name="tensorHeight"/> planar tensor; tensor
    /// pixels outside <paramref name="into"/> get black, normalised.
    /// </summary>
    internal static unsafe void ResizeToNchw(ReadOnlySpan<byte> pixels, int stride, in ChannelTaps taps,
        CropRect from, int tensorWidth, int tensorHeight, CropRect into, Span<float> dst)
    {
        int w = tensorWidth, h = tensorHeight, plane = w * h;
        if (plane == 0) return;

        // Columns of the tensor that the resized image covers, and each one's taps, once.
        int xStart = (int)Math.Clamp((long)into.X, 0, w);
        int xEnd = (int)Math.Clamp((long)into.X + into.Width, xStart, w);
        int n = xEnd - xStart;
        double scaleX = (double)from.Width / into.Width, scaleY = (double)from.Height / into.Height;
        int[] cols = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(1, 2 * n));
        float[] fracs = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, 2 * n));
        for (int i = 0; i < n; i++)
        {
            ClampedTap(xStart + i - into.X, scaleX, from.Width, out int x0, out int x1, out float fx);
            cols[i] = (from.X + x0) * taps.Bpp;
            cols[n + i] = (from.X + x1) * taps.Bpp;
            fracs[i] = fx;
            fracs[n + i] = 1 - fx;
        }

        // A vector tap loads 4 bytes; under 4 bytes of image only the scalar loop is safe.
        int length = Math.Min(pixels.Length, stride * (from.Y + from.Height - 1) + (from.X + from.Width) * taps.Bpp);
        int width = length < 4 ? 0 : Avx2.IsSupported ? 8 : Vector128.IsHardwareAccelerated ? 4 : 0;

        fixed (byte* p = pixels)
        fixed (float* d = dst)
        fixed (int* colTable = cols)
        fixed (float* fracTable = fracs)
        {
            for (int y = 0; y < h; y++)
            {
                float* row = d + y * w;
                int ry = y - into.Y;
                if (ry < 0 || ry >= into.Height || n == 0)
                {
                    FillPad(row, 0, w, plane, taps);
                    continue;
                }
                FillPad(row, 0, xStart, plane, taps);
                FillPad(row, xEnd, w, plane, taps);

                ClampedTap(ry, scaleY, from.Height, out int y0, out int y1, out float fy);
                var rows = new RowTaps((from.Y + y0) * stride, (from.Y + y1) * stride, fy);
                float* o = row + xStart;

                // Whole vectors, then one overlapping vector ending at the last column (the same
                // values written twice); a span narrower than a vector is done scalar.
                int i = 0;
                if (width == 8 && n >= 8)
                {
                    // Only a row whose taps reach the last 4 bytes of the image needs guarded loads.
                    bool guarded = Math.Max(rows.Row0, rows.Row1) + cols[2 * n - 1] + 4 > length;
                    for (; i <= n - 8; i += 8)
                        Blend256(p, length, colTable, fracTable, n, rows, taps, o, plane, i, guarded);
                    if (i < n) Blend256(p, length, colTable, fracTable, n, rows, taps, o, plane, n - 8, guarded);
                    i = n;
                }
                else if (width == 4 && n >= 4)
                {
                    for (; i <= n - 4; i += 4) Blend128(p, length, colTable, fracTable, n, rows, taps, o, plane, i);
                    if (i < n) Blend128(p, length, colTable, fracTable, n, rows, taps, o, plane, n - 4);
                    i = n;
                }
                for (; i < n; i++)
                    BlendPixel(p, colTable[i], colTable[n + i], fracTable[i], rows, taps, o + i, plane);
            }
        }

        System.Buffers.ArrayPool<int>.Shared.Return(cols);
        System.Buffers.ArrayPool<float>.Shared.Return(fracs);
    }

    private readonly record struct RowTaps(int Row0, int Row1, float Fy);

    private static unsafe void FillPad(float* row, int from, int to, int plane, in ChannelTaps taps)
    {
        if (to <= from) return;
        new Span<float>(row + from, to - from).Fill((0 - taps.Mean0) * taps.Scale0);
        new Span<float>(row + plane + from, to - from).Fill((0 - taps.Mean1) * taps.Scale1);
        new Span<float>(row + 2 * plane + from, to - from).Fill((0 - taps.Mean2) * taps.Scale2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Blend256(byte* p, int length, int* cols, float* fracs, int n, in RowTaps rows,
        in ChannelTaps taps, float* o, int plane, int i, bool guarded)
    {
        var col0 = Vector256.Load(cols + i);
        var col1 = Vector256.Load(cols + n + i);
        var fx = Vector256.Load(fracs + i);
        var gx = Vector256.Load(fracs + n + i);
        var fy = Vector256.Create(rows.Fy);
        var gy = Vector256.Create(1 - rows.Fy);
        var lastLoad = Vector256.Create(length - 4);
        var row0 = Vector256.Create(rows.Row0);
        var row1 = Vector256.Create(rows.Row1);
        Vector256<int> t00, t01, t10, t11;
        if (guarded)
        {
            t00 = PixelTaps.Gather(p, row0 + col0, lastLoad);
            t01 = PixelTaps.Gather(p, row0 + col1, lastLoad);
            t10 = PixelTaps.Gather(p, row1 + col0, lastLoad);
            t11 = PixelTaps.Gather(p, row1 + col1, lastLoad);
        }
        else
        {
            t00 = Avx2.GatherVector256((int*)p, row0 + col0, 1);
            t01 = Avx2.GatherVector256((int*)p, row0 + col1, 1);
            t10 = Avx2.GatherVector256((int*)p, row1 + col0, 1);
            t11 = Avx2.GatherVector256((int*)p, row1 + col1, 1);
        }

        // Unrolled by hand: the JIT keeps the channel's constants in registers this way.
        Channel256(t00, t01, t10, t11, gx, fx, gy, fy, taps.Byte0, taps.Mean0, taps.Scale0, o + i);
        Channel256(t00, t01, t10, t11, gx, fx, gy, fy, taps.Byte1, taps.Mean1, taps.Scale1, o + plane + i);
        Channel256(t00, t01, t10, t11, gx, fx, gy, fy, taps.Byte2, taps.Mean2, taps.Scale2, o + 2 * plane + i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Channel256(Vector256<int> t00, Vector256<int> t01, Vector256<int> t10,
        Vector256<int> t11, Vector256<float> gx, Vector256<float> fx, Vector256<float> gy, Vector256<float> fy,
        int b, float mean, float scale, float* o)
    {
        var top = PixelTaps.Channel(t00, b) * gx + PixelTaps.Channel(t01, b) * fx;
        var bottom = PixelTaps.Channel(t10, b) * gx + PixelTaps.Channel(t11, b) * fx;
        var value = top * gy + bottom * fy;
        ((value - Vector256.Create(mean)) * Vector256.Create(scale)).Store(o);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Blend128(byte* p, int length, int* cols, float* fracs, int n, in RowTaps rows,
        in ChannelTaps taps, float* o, int plane, int i)
    {
        var col0 = Vector128.Load(cols + i);
        var col1 = Vector128.Load(cols + n + i);
        var fx = Vector128.Load(fracs + i);
        var gx = Vector128.Load(fracs + n + i);
        var fy = Vector128.Create(rows.Fy);
        var gy = Vector128.Create(1 - rows.Fy);
        var row0 = Vector128.Create(rows.Row0);
        var row1 = Vector128.Create(rows.Row1);
        var t00 = PixelTaps.Gather(p, row0 + col0, length - 4);
        var t01 = PixelTaps.Gather(p, row0 + col1, length - 4);
        var t10 = PixelTaps.Gather(p, row1 + col0, length - 4);
        var t11 = PixelTaps.Gather(p, row1 + col1, length - 4);

        for (int ch = 0; ch < 3; ch++)
        {
            int b = taps.Byte(ch);
            var top = PixelTaps.Channel(t00, b) * gx + PixelTaps.Channel(t01, b) * fx;
            var bottom = PixelTaps.Channel(t10, b) * gx + PixelTaps.Channel(t11, b) * fx;
            var value = top * gy + bottom * fy;
            ((value - Vector128.Create(taps.Mean(ch))) * Vector128.Create(taps.Scale(ch))).Store(o + ch * plane + i);
        }
    }

    /// <summary>One pixel exactly as the reference forms it.</summary>
    private static unsafe void BlendPixel(byte* p, int col0, int col1, float fx, in RowTaps rows, in ChannelTaps taps,
        float* o, int plane)
    {
        for (int ch = 0; ch < 3; ch++)
        {
            int b = taps.Byte(ch);
            float top = p[rows.Row0 + col0 + b] * (1 - fx) + p[rows.Row0 + col1 + b] * fx;
            float bottom = p[rows.Row1 + col0 + b] * (1 - fx) + p[rows.Row1 + col1 + b] * fx;
            float value = top * (1 - rows.Fy) + bottom * rows.Fy;
            o[ch * plane] = (value - taps.Mean(ch)) * taps.Scale(ch);
        }
    }

    /// <summary>Source taps and weight for output index <paramref name="i"/> of a bilinear resize.</summary>
    internal static void ClampedTap(int i, double scale, int size, out int i0, out int i1, out float frac)
    {
        double s = (i + 0.5) * scale - 0.5;
        i0 = (int)Math.Floor(s);
        frac = (float)(s - i0);
        if (i0 < 0) { i0 = 0; frac = 0; }
        if (i0 >= size - 1) { i0 = size - 1; frac = 0; }
        i1 = Math.Min(i0 + 1, size - 1);
    }
}
