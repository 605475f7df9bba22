using System.Buffers.Binary;
using FaceNative.Imaging;
using FaceNative.Tests.Fixtures;
using OpenCvSharp;
using Xunit;

namespace FaceNative.Tests.Imaging;

public class ImageLoaderTests
{
    [Fact]
    public void Decode_Jpeg_MatchesLabelledSize()
    {
        BgrImage image = ImageLoader.Decode(TestData.FaceBytes("id01/deepface_img5.jpg"));

        Assert.Equal(330, image.Width);
        Assert.Equal(512, image.Height);
    }

    [Fact]
    public void Decode_WebP_Works()
    {
        BgrImage image = ImageLoader.Decode(TestData.FaceBytes("id03/deepface_img47.jpg"));

        Assert.True(image.Width > 100 && image.Height > 100);
    }

    [Fact]
    public void Decode_ExifOrientation6_IsRotatedUpright()
    {
        // labels.csv: sf_image_T1.jpg carries orientation 6; its size after EXIF is portrait.
        string row = File.ReadLines(Path.Combine(TestData.FacesDir, "labels.csv"))
            .First(l => l.StartsWith("antispoof/sf_image_T1.jpg,", StringComparison.Ordinal));
        string size = row.Split(',')[9];
        Assert.Equal("6", row.Split(',')[10]);

        BgrImage image = ImageLoader.Decode(TestData.FaceBytes("antispoof/sf_image_T1.jpg"));

        Assert.Equal(size, $"{image.Width}x{image.Height}");
    }

    [Fact]
    public void Decode_GrayPng_BecomesThreeEqualChannels()
    {
        using var gray = new Mat(4, 5, MatType.CV_8UC1, new Scalar(77));
        Cv2.ImEncode(".png", gray, out byte[] png);

        BgrImage image = ImageLoader.Decode(png);

        Assert.Equal(5, image.Width);
        Assert.All(image.Pixels, p => Assert.Equal(77, p));
    }

    [Fact]
    public void Decode_RgbaPng_AlphaDropped()
    {
        using var rgba = new Mat(3, 3, MatType.CV_8UC4, new Scalar(10, 20, 30, 0));
        Cv2.ImEncode(".png", rgba, out byte[] png);

        BgrImage image = ImageLoader.Decode(png);

        Assert.Equal(new byte[] { 10, 20, 30 }, image.Pixels[..3]);
        Assert.Equal(27, image.Pixels.Length);
    }

    [Fact]
    public void Decode_SixteenBitPng_ScaledToEightBit()
    {
        using var deep = new Mat(2, 2, MatType.CV_16UC3, new Scalar(65535, 32768, 0));
        Cv2.ImEncode(".png", deep, out byte[] png);

        BgrImage image = ImageLoader.Decode(png);

        Assert.Equal(255, image.Pixels[0]);
        Assert.Equal(128, image.Pixels[1]);
        Assert.Equal(0, image.Pixels[2]);
    }

    [Fact]
    public void Decode_Garbage_IsDecodeError()
    {
        var e = Assert.Throws<FaceException>(() => ImageLoader.Decode("not an image at all"u8));
        Assert.Equal(FaceErrorKind.Decode, e.Kind);
    }

    [Fact]
    public void Decode_TruncatedJpeg_IsDecodeErrorOrImage()
    {
        byte[] jpeg = TestData.FaceBytes("id01/deepface_img5.jpg");

        // A JPEG cut right after its header has no pixels to give.
        var e = Assert.Throws<FaceException>(() => ImageLoader.Decode(jpeg.AsSpan(0, 200)));
        Assert.Equal(FaceErrorKind.Decode, e.Kind);
    }

    [Fact]
    public void Decode_Empty_IsInvalidArgument()
    {
        var e = Assert.Throws<FaceException>(() => ImageLoader.Decode(ReadOnlySpan<byte>.Empty));
        Assert.Equal(FaceErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void Decode_PngDeclaringHugeSize_RefusedBeforeDecoding()
    {
        // A real 1×1 PNG whose IHDR is rewritten to claim 30000×30000: only the header is read.
        using var tiny = new Mat(1, 1, MatType.CV_8UC3, Scalar.All(0));
        Cv2.ImEncode(".png", tiny, out byte[] png);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 30000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 30000);

        var e = Assert.Throws<FaceException>(() => ImageLoader.Decode(png));
        Assert.Equal(FaceErrorKind.TooLarge, e.Kind);
        Assert.Contains("30000x30000", e.Message);
    }

    [Fact]
    public void Decode_OverConfiguredLimit_IsTooLarge()
    {
        var e = Assert.Throws<FaceException>(() =>
            ImageLoader.Decode(TestData.FaceBytes("id01/deepface_img5.jpg"), maxPixels: 1000));
        Assert.Equal(FaceErrorKind.TooLarge, e.Kind);
    }

    [Theory]
    [InlineData(PixelFormat.Bgr24, new byte[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData(PixelFormat.Rgb24, new byte[] { 3, 2, 1, 6, 5, 4 })]
    [InlineData(PixelFormat.Rgba32, new byte[] { 3, 2, 1, 255, 6, 5, 4, 0 })]
    [InlineData(PixelFormat.Bgra32, new byte[] { 1, 2, 3, 9, 4, 5, 6, 9 })]
    public void FromPixels_EachFormat_ConvertsToBgr(PixelFormat format, byte[] pixels)
    {
        BgrImage image = ImageLoader.FromPixels(pixels, 2, 1, 0, format);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, image.Pixels);
    }

    [Fact]
    public void FromPixels_GrayWithStride_SkipsRowPadding()
    {
        byte[] pixels = [10, 20, 99, 30, 40, 99];

        BgrImage image = ImageLoader.FromPixels(pixels, 2, 2, 3, PixelFormat.Gray8);

        Assert.Equal(new byte[] { 10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40 }, image.Pixels);
    }

    [Fact]
    public void FromPixels_BufferTooSmall_IsInvalidArgument()
    {
        var e = Assert.Throws<FaceException>(() => ImageLoader.FromPixels(new byte[10], 2, 2, 0, PixelFormat.Bgr24));
        Assert.Equal(FaceErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("needs 12", e.Message);
    }

    [Fact]
    public void FromPixels_StrideShorterThanRow_IsInvalidArgument()
    {
        Assert.Throws<FaceException>(() => ImageLoader.FromPixels(new byte[100], 4, 2, 5, PixelFormat.Bgr24));
        Assert.Throws<FaceException>(() => ImageLoader.FromPixels(new byte[100], 0, 2, 0, PixelFormat.Bgr24));
        Assert.Throws<FaceException>(() => ImageLoader.FromPixels(new byte[100], 2, 2, 0, (PixelFormat)42));
    }
}
