namespace FaceNative.Imaging;

/// <summary>
/// An 8-bit, 3-channel image in B, G, R byte order, rows packed without padding. Every
/// decoder and raw-buffer path ends here, so the pipeline sees one layout only.
/// </summary>
public sealed class BgrImage
{
    public BgrImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"image size {width}x{height} is empty");
        if (pixels.Length != checked(width * height * 3))
            throw new FaceException(FaceErrorKind.InvalidArgument, "pixel buffer does not match the image size");

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Stride => Width * 3;

    public byte[] Pixels { get; }
}
