using FaceNative.Imaging;

namespace FaceNative.Kernels;

/// <summary>An integer crop rectangle, inclusive of its first pixel, exclusive of X + Width.</summary>
public readonly record struct CropRect(int X, int Y, int Width, int Height);

/// <summary>Crop a rectangle and resize it bilinearly into a normalised NCHW tensor, matching
/// <c>cv2.resize(img[y:y+h, x:x+w], (W, H))</c>: the crop's own edge pixels are repeated,
/// nothing outside it is read.</summary>
public static class CropResize
{
    public static void ToNchwReference(BgrImage src, CropRect crop, int outWidth, int outHeight,
        ChannelNorm norm, Span<float> dst)
    {
        if (crop.Width <= 0 || crop.Height <= 0 || crop.X < 0 || crop.Y < 0
            || crop.X + crop.Width > src.Width || crop.Y + crop.Height > src.Height)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"crop {crop} is outside the image");
        int plane = outWidth * outHeight;
        if (dst.Length < 3 * plane)
            throw new ArgumentException("destination tensor is too small", nameof(dst));

        double scaleX = (double)crop.Width / outWidth, scaleY = (double)crop.Height / outHeight;
        byte[] pixels = src.Pixels;
        int stride = src.Stride;

        for (int v = 0; v < outHeight; v++)
        {
            Letterbox.ClampedTap(v, scaleY, crop.Height, out int y0, out int y1, out float fy);
            int row0 = (crop.Y + y0) * stride, row1 = (crop.Y + y1) * stride;
            for (int u = 0; u < outWidth; u++)
            {
                Letterbox.ClampedTap(u, scaleX, crop.Width, out int x0, out int x1, out float fx);
                int c0 = (crop.X + x0) * 3, c1 = (crop.X + x1) * 3;
                for (int c = 0; c < 3; c++)
                {
                    int s = norm.SourceIndex(c);
                    float top = pixels[row0 + c0 + s] * (1 - fx) + pixels[row0 + c1 + s] * fx;
                    float bottom = pixels[row1 + c0 + s] * (1 - fx) + pixels[row1 + c1 + s] * fx;
                    dst[c * plane + v * outWidth + u] = (top * (1 - fy) + bottom * fy - norm.Mean(c)) * norm.Scale(c);
                }
            }
        }
    }

    /// <summary>Vectorised form of <see cref="ToNchwReference"/>, bit-exact with it: the letterbox
    /// resize core with the crop as its source rectangle and the whole tensor as its target.</summary>
    public static void ToNchw(BgrImage src, CropRect crop, int outWidth, int outHeight, ChannelNorm norm,
        Span<float> dst)
    {
        if (crop.Width <= 0 || crop.Height <= 0 || crop.X < 0 || crop.Y < 0
            || crop.X + crop.Width > src.Width || crop.Y + crop.Height > src.Height)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"crop {crop} is outside the image");
        if (outWidth < 0 || outHeight < 0 || dst.Length < 3L * outWidth * outHeight)
            throw new ArgumentException("destination tensor is too small", nameof(dst));

        Letterbox.ResizeToNchw(src.Pixels, src.Stride, new ChannelTaps(PixelFormat.Bgr24, norm), crop,
            outWidth, outHeight, new CropRect(0, 0, outWidth, outHeight), dst);
    }

    /// <summary>
    /// The Silent-Face-Anti-Spoofing crop: the face box scaled by <paramref name="scale"/> about
    /// its centre (less if the image is too small), shifted back inside the image where it
    /// sticks out, truncated to whole pixels. Works for boxes partly outside the frame.
    /// </summary>
    public static CropRect ScaledFaceCrop(int imageWidth, int imageHeight, float x, float y, float w, float h,
        float scale)
    {
        w = MathF.Max(w, 1); h = MathF.Max(h, 1);
        float s = MathF.Min(MathF.Min((imageHeight - 1) / h, (imageWidth - 1) / w), scale);
        float newW = w * s, newH = h * s;
        float cx = x + w / 2, cy = y + h / 2;
        float left = cx - newW / 2, top = cy - newH / 2, right = cx + newW / 2, bottom = cy + newH / 2;

        if (left < 0) { right -= left; left = 0; }
        if (top < 0) { bottom -= top; top = 0; }
        if (right > imageWidth - 1) { left -= right - imageWidth + 1; right = imageWidth - 1; }
        if (bottom > imageHeight - 1) { top -= bottom - imageHeight + 1; bottom = imageHeight - 1; }

        int l = Math.Clamp((int)left, 0, imageWidth - 1), t = Math.Clamp((int)top, 0, imageHeight - 1);
        int r = Math.Clamp((int)right, l, imageWidth - 1), b = Math.Clamp((int)bottom, t, imageHeight - 1);
        return new CropRect(l, t, r - l + 1, b - t + 1);
    }
}
