using System.Runtime.InteropServices;
using OpenCvSharp;

namespace FaceNative.Imaging;

/// <summary>Turns encoded bytes or raw pixel buffers into a <see cref="BgrImage"/>.</summary>
public static class ImageLoader
{
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    static ImageLoader()
    {
        // OpenCV's decoders print warnings (e.g. "PNG input buffer is incomplete") to stderr;
        // a library must stay silent, and the failure reaches the caller as an error anyway.
        Cv2.SetLogLevel(OpenCvSharp.LogLevel.SILENT);
    }

    /// <summary>
    /// Decodes JPEG, PNG, WebP, BMP (and whatever else OpenCV reads) the way OpenCV's colour
    /// mode does: EXIF orientation applied, gray expanded to three channels, alpha dropped,
    /// 16-bit scaled to 8-bit.
    /// </summary>
    public static BgrImage Decode(ReadOnlySpan<byte> encoded, long maxPixels = DefaultMaxPixels)
    {
        if (encoded.IsEmpty)
            throw new FaceException(FaceErrorKind.InvalidArgument, "image data is empty");

        if (ImageHeader.TryReadSize(encoded, out string format, out long w, out long h))
        {
            if (w <= 0 || h <= 0)
                throw new FaceException(FaceErrorKind.Decode, $"{format} header declares an empty image ({w}x{h})");
            CheckPixelLimit(w, h, maxPixels, format);
            if (format == "PNG" && ImageHeader.FindPngChunkProblem(encoded) is string problem)
                throw new FaceException(FaceErrorKind.Decode, $"failed to decode image: {problem}");
        }

        using Mat mat = DecodeWithOpenCv(encoded, format);
        if (mat.Empty())
            throw new FaceException(FaceErrorKind.Decode,
                format == "unknown" ? "failed to decode image: unrecognised format"
                                    : $"failed to decode image: corrupt or unsupported {format} data");

        CheckPixelLimit(mat.Width, mat.Height, maxPixels, format);
        return FromMat(mat);
    }

    /// <summary>OpenCV's decoders also throw (a size over OpenCV's own limit, corrupt headers it
    /// checks): every such failure is a typed decode error, never an OpenCV exception.</summary>
    private static Mat DecodeWithOpenCv(ReadOnlySpan<byte> encoded, string format)
    {
        try
        {
            return Cv2.ImDecode(encoded, ImreadModes.Color);
        }
        catch (OpenCVException e)
        {
            FaceErrorKind kind = e.Message.Contains("CV_IO_MAX_IMAGE")
                ? FaceErrorKind.TooLarge
                : FaceErrorKind.Decode;
            throw new FaceException(kind, $"failed to decode image: {format} data refused by the decoder " +
                $"({e.Message})", e);
        }
    }

    /// <summary>Copies a raw pixel buffer into a BGR image. <paramref name="stride"/> is the
    /// distance in bytes between row starts (0 means tightly packed).</summary>
    public static BgrImage FromPixels(ReadOnlySpan<byte> pixels, int width, int height, int stride,
        PixelFormat format, long maxPixels = DefaultMaxPixels)
    {
        int bpp = PixelFormats.BytesPerPixel(format);
        if (width <= 0 || height <= 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"image size {width}x{height} is empty");
        CheckPixelLimit(width, height, maxPixels, "raw");

        long rowBytes = (long)width * bpp;
        if (stride == 0) stride = (int)rowBytes;
        if (stride < rowBytes)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"stride {stride} is smaller than a row of {width} {format} pixels ({rowBytes} bytes)");
        long needed = (long)stride * (height - 1) + rowBytes;
        if (pixels.Length < needed)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"pixel buffer holds {pixels.Length} bytes, {width}x{height} {format} " +
                $"with stride {stride} needs {needed}");

        var bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> src = pixels.Slice(y * stride, (int)rowBytes);
            Span<byte> dst = bgr.AsSpan(y * width * 3, width * 3);
            ConvertRow(src, dst, format, width);
        }
        return new BgrImage(width, height, bgr);
    }

    private static void ConvertRow(ReadOnlySpan<byte> src, Span<byte> dst, PixelFormat format, int width)
    {
        switch (format)
        {
            case PixelFormat.Bgr24:
                src.CopyTo(dst);
                break;
            case PixelFormat.Rgb24:
                for (int x = 0; x < width; x++)
                {
                    dst[3 * x] = src[3 * x + 2]; dst[3 * x + 1] = src[3 * x + 1]; dst[3 * x + 2] = src[3 * x];
                }
                break;
            case PixelFormat.Rgba32:
                for (int x = 0; x < width; x++)
                {
                    dst[3 * x] = src[4 * x + 2]; dst[3 * x + 1] = src[4 * x + 1]; dst[3 * x + 2] = src[4 * x];
                }
                break;
            case PixelFormat.Bgra32:
                for (int x = 0; x < width; x++)
                {
                    dst[3 * x] = src[4 * x]; dst[3 * x + 1] = src[4 * x + 1]; dst[3 * x + 2] = src[4 * x + 2];
                }
                break;
            case PixelFormat.Gray8:
                for (int x = 0; x < width; x++)
                    dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = src[x];
                break;
        }
    }

    private static void CheckPixelLimit(long width, long height, long maxPixels, string format)
    {
        if (width * height > maxPixels)
            throw new FaceException(FaceErrorKind.TooLarge,
                $"{format} image is {width}x{height} = {width * height} pixels, over the limit of {maxPixels}");
    }

    private static BgrImage FromMat(Mat mat)
    {
        if (mat.Type() != MatType.CV_8UC3)
            throw new FaceException(FaceErrorKind.Decode, $"decoder returned unexpected pixel type {mat.Type()}");

        // Every byte is overwritten below: skip the zeroing of a possibly 100 MB array.
        int width = mat.Width, height = mat.Height, rowBytes = width * 3;
        byte[] pixels = GC.AllocateUninitializedArray<byte>(rowBytes * height);
        if (mat.IsContinuous())
        {
            Marshal.Copy(mat.Data, pixels, 0, pixels.Length);
        }
        else
        {
            long step = mat.Step();
            nint data = mat.Data;
            for (int y = 0; y < height; y++)
                Marshal.Copy(data + (nint)(y * step), pixels, y * rowBytes, rowBytes);
        }
        return new BgrImage(width, height, pixels);
    }
}
