using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>The vectorised warp is bit-exact with its scalar reference on every path.</summary>
public class AffineWarpTests
{
    private static readonly PixelFormat[] s_formats =
        [PixelFormat.Bgr24, PixelFormat.Rgb24, PixelFormat.Rgba32, PixelFormat.Bgra32, PixelFormat.Gray8];

    private static readonly ChannelNorm s_arcFace = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 127.5f);

    private static readonly ChannelNorm s_uneven = new(ChannelOrder.Bgr, 104f, 117f, 123f, 0.017f, 0.018f, 0.019f);

    private static void AssertSame(byte[] pixels, int width, int height, int stride, PixelFormat format,
        AffineMatrix m, int outWidth, int outHeight, ChannelNorm norm, string context)
    {
        int length = 3 * outWidth * outHeight;
        var expected = new float[length];
        var actual = new float[length + 8];
        actual.AsSpan().Fill(float.NaN);
        AffineWarp.WarpToNchwReference(pixels, width, height, stride, format, m, outWidth, outHeight, norm, expected);
        AffineWarp.WarpToNchw(pixels, width, height, stride, format, m, outWidth, outHeight, norm, actual);
        KernelAssert.BitEqual(expected, actual.AsSpan(0, length), context);

        // Nothing is written past the tensor.
        Assert.All(actual.AsSpan(length).ToArray(), v => Assert.True(float.IsNaN(v), $"{context}: wrote past the end"));
    }

    /// <summary>A rotation + scale + shift taking the output roughly onto the middle of the source.</summary>
    private static AffineMatrix Similarity(double angle, double scale, double cx, double cy, int outWidth,
        int outHeight)
    {
        double a = scale * Math.Cos(angle), b = -scale * Math.Sin(angle);
        double c = cx - a * outWidth / 2 - b * outHeight / 2;
        double d = -b, e = a;
        double f = cy - d * outWidth / 2 - e * outHeight / 2;
        return new AffineMatrix(a, b, c, d, e, f);
    }

    [Fact]
    public void Warp_MatchesScalar_AllWidths()
    {
        var rng = new Random(1);
        foreach (PixelFormat format in s_formats)
        {
            int bpp = PixelFormats.BytesPerPixel(format);
            int width = 37, height = 29, stride = width * bpp + 5; // odd stride with junk between rows
            byte[] pixels = KernelAssert.RandomPixels(rng, width, height, stride, bpp);
            foreach (int outWidth in KernelAssert.Lengths)
            {
                int outHeight = outWidth % 3 + 1;
                var m = Similarity(0.3, 0.7, width / 2.0, height / 2.0, outWidth, outHeight);
                AssertSame(pixels, width, height, stride, format, m, outWidth, outHeight, s_uneven,
                    $"{format} out {outWidth}x{outHeight}");
            }
        }
    }

    [Fact]
    public void Warp_MatchesScalar_CropSizes()
    {
        var rng = new Random(2);
        BgrImage image = KernelAssert.RandomImage(rng, 321, 257);
        foreach (int size in new[] { 64, 80, 96, 112, 224 })
        {
            for (int trial = 0; trial < 4; trial++)
            {
                var m = Similarity(rng.NextDouble() * 6.3, 0.2 + rng.NextDouble() * 3, rng.Next(-40, 360),
                    rng.Next(-40, 300), size, size);
                int length = 3 * size * size;
                var expected = new float[length];
                var actual = new float[length];
                AffineWarp.WarpToNchwReference(image, m, size, size, s_arcFace, expected);
                AffineWarp.WarpToNchw(image, m, size, size, s_arcFace, actual);
                KernelAssert.BitEqual(expected, actual, $"crop {size} trial {trial}");
            }
        }
    }

    [Fact]
    public void Warp_MatchesScalar_OutsideAndDegenerateMaps()
    {
        var rng = new Random(3);
        int width = 19, height = 11;
        byte[] pixels = KernelAssert.RandomPixels(rng, width, height, width * 3, 3);
        AffineMatrix[] maps =
        [
            new(1, 0, 1000, 0, 1, 1000),           // entirely outside
            new(1, 0, -30, 0, 1, -5),              // partly outside, left and top
            new(1, 0, width - 10.5, 0, 1, height - 4.5), // straddles the right and bottom edges
            new(1, 0, -1, 0, 1, -1),               // first column/row exactly at -1
            new(0, 0, 3.25, 0, 0, 4.75),           // every pixel samples one point
            new(0, 0, 0, 0, 0, 0),                 // all zero
            new(1e10, 0, 0, 0, 1e10, 0),           // huge coefficients
            new(-1, 0, width, 0, -1, height),      // mirrored
            new(double.NaN, 0, 0, 0, 1, 0),
            new(1, 0, double.PositiveInfinity, 0, 1, 0),
            new(1, 0, 0, 0, 1, double.NegativeInfinity),
            new(0.5, 0.5, double.MaxValue, 0, 1, 0),
            new(1, 0, int.MaxValue - 3.5, 0, 1, 0),
            new(1, 0, int.MinValue, 0, 1, 0),
        ];
        foreach (AffineMatrix m in maps)
            foreach (int outWidth in new[] { 1, 3, 7, 8, 9, 16, 17, 25 })
                AssertSame(pixels, width, height, width * 3, PixelFormat.Bgr24, m, outWidth, 3, s_arcFace,
                    $"map {m} out {outWidth}");
    }

    [Fact]
    public void Warp_MatchesScalar_TinyAndHugeImages()
    {
        var rng = new Random(4);
        foreach (PixelFormat format in s_formats)
        {
            int bpp = PixelFormats.BytesPerPixel(format);
            foreach ((int w, int h) in new[] { (1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (1, 5), (4, 4) })
            {
                byte[] pixels = KernelAssert.RandomPixels(rng, w, h, w * bpp, bpp);
                var m = new AffineMatrix(w / 11.0, 0.01, -0.6, -0.02, h / 9.0, -0.4);
                AssertSame(pixels, w, h, w * bpp, format, m, 11, 9, s_uneven, $"{format} {w}x{h}");
            }
        }

        // A large frame sampled at its bottom-right corner: the last pixel's taps are loaded
        // with the shifted load that keeps the read inside the buffer.
        const int Big = 4000, BigH = 3000;
        byte[] big = KernelAssert.RandomPixels(rng, Big, BigH, Big * 3, 3);
        var corner = new AffineMatrix(0.37, 0, Big - 30.2, 0, 0.41, BigH - 40.3);
        AssertSame(big, Big, BigH, Big * 3, PixelFormat.Bgr24, corner, 112, 112, s_arcFace, "corner of 4000x3000");
        var whole = new AffineMatrix(Big / 112.0, 0.3, 0, -0.2, BigH / 112.0, 0);
        AssertSame(big, Big, BigH, Big * 3, PixelFormat.Bgr24, whole, 112, 112, s_arcFace, "whole 4000x3000");
    }

    [Fact]
    public void Warp_BgrImageOverload_MatchesOriginalReference()
    {
        var rng = new Random(5);
        BgrImage image = KernelAssert.RandomImage(rng, 64, 48);
        var m = Similarity(-0.4, 0.5, 30, 20, 112, 112);
        var viaSpan = new float[3 * 112 * 112];
        var viaImage = new float[3 * 112 * 112];
        AffineWarp.WarpToNchw(image.Pixels, 64, 48, 192, PixelFormat.Bgr24, m, 112, 112, s_arcFace, viaSpan);
        AffineWarp.WarpToNchw(image, m, 112, 112, s_arcFace, viaImage);
        KernelAssert.BitEqual(viaSpan, viaImage, "overloads");
    }

    [Fact]
    public void Warp_RejectsBadArguments()
    {
        var pixels = new byte[12];
        var m = AffineMatrix.Identity;
        Assert.Throws<FaceException>(() =>
            AffineWarp.WarpToNchw(pixels, 0, 1, 3, PixelFormat.Bgr24, m, 1, 1, s_arcFace, new float[3]));
        Assert.Throws<FaceException>(() =>
            AffineWarp.WarpToNchw(pixels, 2, 2, 5, PixelFormat.Bgr24, m, 1, 1, s_arcFace, new float[3]));
        Assert.Throws<FaceException>(() =>
            AffineWarp.WarpToNchw(pixels, 3, 2, 6, PixelFormat.Rgba32, m, 1, 1, s_arcFace, new float[3]));
        Assert.Throws<ArgumentException>(() =>
            AffineWarp.WarpToNchw(pixels, 2, 2, 6, PixelFormat.Bgr24, m, 2, 2, s_arcFace, new float[11]));
    }
}

/// <summary>No kernel reads a byte before or after its source image.</summary>
public class KernelBoundsTests
{
    [Fact]
    public void Warp_ReadsNothingOutsideTheSource()
    {
        var rng = new Random(6);
        var norm = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 127.5f);
        foreach (PixelFormat format in new[] { PixelFormat.Bgr24, PixelFormat.Rgba32, PixelFormat.Gray8 })
        {
            int bpp = PixelFormats.BytesPerPixel(format);
            foreach ((int w, int h) in new[] { (1, 1), (2, 1), (1, 4), (3, 3), (17, 5), (64, 48) })
            {
                byte[] content = KernelAssert.RandomPixels(rng, w, h, w * bpp, bpp);
                foreach (bool after in new[] { true, false })
                {
                    using var buffer = new GuardedBuffer(content, after);
                    // Maps covering the whole source, its corners and beyond it.
                    foreach (var m in new AffineMatrix[]
                             {
                                 new(w / 9.0, 0, -0.7, 0, h / 9.0, -0.7),
                                 new(0.1, 0, w - 0.6, 0, 0.1, h - 0.6),
                                 new(-0.5, 0.2, w + 0.4, 0.1, -0.5, h + 0.4),
                             })
                    {
                        var expected = new float[3 * 12 * 9];
                        var actual = new float[3 * 12 * 9];
                        AffineWarp.WarpToNchwReference(content, w, h, w * bpp, format, m, 12, 9, norm, expected);
                        AffineWarp.WarpToNchw(buffer.Span, w, h, w * bpp, format, m, 12, 9, norm, actual);
                        KernelAssert.BitEqual(expected, actual, $"{format} {w}x{h}");
                    }
                }
            }
        }
    }

    [Fact]
    public void LetterboxAndCrop_ReadNothingOutsideTheSource()
    {
        var rng = new Random(7);
        var norm = ChannelNorm.Uniform(ChannelOrder.Bgr, 0f, 1f);
        foreach ((int w, int h) in new[] { (1, 1), (2, 1), (1, 2), (2, 2), (5, 3), (33, 17), (640, 3) })
        {
            BgrImage image = KernelAssert.RandomImage(rng, w, h);
            foreach (bool after in new[] { true, false })
            {
                using var buffer = new GuardedBuffer(image.Pixels, after);
                var guarded = new BgrImage(w, h, image.Pixels);
                var layout = LetterboxLayout.Fit(w, h, 40, 24);
                var expected = new float[3 * 40 * 24];
                var actual = new float[3 * 40 * 24];
                Letterbox.ToNchwReference(image, layout, norm, expected);
                Letterbox.ResizeToNchw(buffer.Span, w * 3, new ChannelTaps(PixelFormat.Bgr24, norm),
                    new CropRect(0, 0, w, h), 40, 24,
                    new CropRect(layout.OffsetX, layout.OffsetY, layout.ResizedWidth, layout.ResizedHeight), actual);
                KernelAssert.BitEqual(expected, actual, $"letterbox {w}x{h}");

                var crop = new CropRect(w / 2, h / 2, w - w / 2, h - h / 2);
                CropResize.ToNchwReference(guarded, crop, 40, 24, norm, expected);
                Letterbox.ResizeToNchw(buffer.Span, w * 3, new ChannelTaps(PixelFormat.Bgr24, norm), crop, 40, 24,
                    new CropRect(0, 0, 40, 24), actual);
                KernelAssert.BitEqual(expected, actual, $"crop {w}x{h}");
            }
        }
    }
}
