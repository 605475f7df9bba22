using FaceNative.Imaging;
using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>The letterbox and crop-resize kernels (one shared core) are bit-exact with their
/// scalar references.</summary>
public class LetterboxTests
{
    private static readonly ChannelNorm s_scrfd = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 128f);

    private static readonly ChannelNorm s_yunet = ChannelNorm.Uniform(ChannelOrder.Bgr, 0f, 1f);

    private static void AssertSame(BgrImage image, LetterboxLayout layout, ChannelNorm norm, string context)
    {
        int length = 3 * layout.InputWidth * layout.InputHeight;
        var expected = new float[length];
        var actual = new float[length + 8];
        actual.AsSpan().Fill(float.NaN);
        Letterbox.ToNchwReference(image, layout, norm, expected);
        Letterbox.ToNchw(image, layout, norm, actual);
        KernelAssert.BitEqual(expected, actual.AsSpan(0, length), context);
        Assert.All(actual.AsSpan(length).ToArray(), v => Assert.True(float.IsNaN(v), $"{context}: wrote past the end"));
    }

    [Fact]
    public void Letterbox_MatchesScalar_AllWidths()
    {
        var rng = new Random(11);
        BgrImage image = KernelAssert.RandomImage(rng, 53, 41);
        foreach (int inputWidth in KernelAssert.Lengths.Where(n => n > 0))
        {
            int inputHeight = inputWidth % 5 + 1;
            var fit = LetterboxLayout.Fit(image.Width, image.Height, inputWidth, inputHeight);
            AssertSame(image, fit, s_scrfd, $"fit {inputWidth}x{inputHeight}");
            AssertSame(image, fit.Shrunk(0.6f), s_yunet, $"shrunk {inputWidth}x{inputHeight}");
        }
    }

    [Fact]
    public void Letterbox_MatchesScalar_DetectorInputs()
    {
        var rng = new Random(12);
        foreach ((int w, int h) in new[] { (640, 480), (480, 640), (1001, 777), (213, 1300), (640, 640), (97, 89) })
        {
            BgrImage image = KernelAssert.RandomImage(rng, w, h);
            var fit = LetterboxLayout.Fit(w, h, 640, 640);
            AssertSame(image, fit, s_scrfd, $"{w}x{h} into 640");
            AssertSame(image, fit.Shrunk(0.5f), s_yunet, $"{w}x{h} shrunk");
            AssertSame(image, LetterboxLayout.Fit(w, h, 320, 256), s_scrfd, $"{w}x{h} into 320x256");
        }
    }

    [Fact]
    public void Letterbox_MatchesScalar_TinyImagesAndOddLayouts()
    {
        var rng = new Random(13);
        foreach ((int w, int h) in new[] { (1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (1, 17), (17, 1) })
        {
            BgrImage image = KernelAssert.RandomImage(rng, w, h);
            foreach (int size in new[] { 1, 4, 9, 32 })
                AssertSame(image, LetterboxLayout.Fit(w, h, size, size + 1), s_scrfd, $"{w}x{h} into {size}");
        }

        // Layouts no Fit produces: offsets pushing the image past the right/bottom edge,
        // negative offsets, an empty resized area.
        BgrImage photo = KernelAssert.RandomImage(rng, 30, 20);
        LetterboxLayout[] layouts =
        [
            new(32, 24, 30, 20, 1f, 10, 9),
            new(32, 24, 30, 20, 1f, -7, -3),
            new(32, 24, 0, 0, 1f),
            new(17, 9, 40, 30, 1.5f, 2, 1),
            new(8, 8, 1, 1, 0.05f, 3, 3),
        ];
        foreach (LetterboxLayout layout in layouts)
            AssertSame(photo, layout, s_yunet, $"{layout}");
    }

    [Fact]
    public void CropResize_MatchesScalar_AllSizes()
    {
        var rng = new Random(14);
        var norm = new ChannelNorm(ChannelOrder.Rgb, 0.485f * 255, 0.456f * 255, 0.406f * 255,
            1 / (0.229f * 255), 1 / (0.224f * 255), 1 / (0.225f * 255));
        BgrImage image = KernelAssert.RandomImage(rng, 71, 59);
        foreach (int outWidth in KernelAssert.Lengths)
        {
            var crop = new CropRect(rng.Next(0, 30), rng.Next(0, 30), rng.Next(1, 41), rng.Next(1, 29));
            int outHeight = outWidth % 4 + 1;
            int length = 3 * outWidth * outHeight;
            var expected = new float[length];
            var actual = new float[length];
            CropResize.ToNchwReference(image, crop, outWidth, outHeight, norm, expected);
            CropResize.ToNchw(image, crop, outWidth, outHeight, norm, actual);
            KernelAssert.BitEqual(expected, actual, $"crop {crop} to {outWidth}x{outHeight}");
        }

        foreach (var crop in new CropRect[] { new(0, 0, 71, 59), new(70, 58, 1, 1), new(3, 0, 1, 59) })
        {
            var expected = new float[3 * 80 * 80];
            var actual = new float[3 * 80 * 80];
            CropResize.ToNchwReference(image, crop, 80, 80, norm, expected);
            CropResize.ToNchw(image, crop, 80, 80, norm, actual);
            KernelAssert.BitEqual(expected, actual, $"crop {crop} to 80x80");
        }
        Assert.Throws<FaceException>(() =>
            CropResize.ToNchw(image, new CropRect(60, 0, 20, 10), 8, 8, norm, new float[192]));
    }
}
