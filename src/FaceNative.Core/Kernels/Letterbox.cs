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
