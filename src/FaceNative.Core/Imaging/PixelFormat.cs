namespace FaceNative.Imaging;

/// <summary>Layouts accepted for raw (undecoded) pixel buffers. Values are part of the C ABI.</summary>
public enum PixelFormat
{
    Bgr24 = 0,
    Rgb24 = 1,
    Rgba32 = 2,
    Gray8 = 3,
    Bgra32 = 4,
}

public static class PixelFormats
{
    public static int BytesPerPixel(PixelFormat format) => format switch
    {
        PixelFormat.Bgr24 or PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 or PixelFormat.Bgra32 => 4,
        PixelFormat.Gray8 => 1,
        _ => throw new FaceException(FaceErrorKind.InvalidArgument, $"unknown pixel format {(int)format}"),
    };

    public static bool TryParse(string text, out PixelFormat format)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "bgr": case "bgr24": format = PixelFormat.Bgr24; return true;
            case "rgb": case "rgb24": format = PixelFormat.Rgb24; return true;
            case "rgba": case "rgba32": format = PixelFormat.Rgba32; return true;
            case "bgra": case "bgra32": format = PixelFormat.Bgra32; return true;
            case "gray": case "gray8": case "grey": format = PixelFormat.Gray8; return true;
            default: format = PixelFormat.Bgr24; return false;
        }
    }
}
