using FaceNative.Imaging;
using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Tests.Kernels;

public class LetterboxLayoutTests
{
    [Fact]
    public void Fit_LandscapeImage_FillsWidth()
    {
        // 1280×886 into 640×640: ratio 0.692 < 1, so width fills: 640 × int(640·886/1280 = 443).
        var layout = LetterboxLayout.Fit(1280, 886, 640, 640);

        Assert.Equal(640, layout.ResizedWidth);
        Assert.Equal(443, layout.ResizedHeight);
        Assert.Equal(443f / 886f, layout.Scale, 6);
    }

    [Fact]
    public void Fit_PortraitImage_FillsHeight()
    {
        // 330×512 into 640×640: ratio 1.55 > 1, so height fills: int(640 / 1.5515) = 412.
        var layout = LetterboxLayout.Fit(330, 512, 640, 640);

        Assert.Equal(412, layout.ResizedWidth);
        Assert.Equal(640, layout.ResizedHeight);
        Assert.Equal(1.25f, layout.Scale, 6);
    }

    [Fact]
    public void Shrunk_CentresHalfSizeImage()
    {
        var layout = LetterboxLayout.Fit(112, 112, 640, 640).Shrunk(0.5f);

        Assert.Equal(320, layout.ResizedWidth);
        Assert.Equal(160, layout.OffsetX);
        Assert.Equal(160, layout.OffsetY);
        Assert.Equal(320f / 112f, layout.Scale, 5);
    }

    [Fact]
    public void ToNchw_PadsBlackAndNormalises_HandComputed()
    {
        // A 2×1 image (blue-ish, red-ish) upscaled to 4×2 in an 4×4 input: rows 2..3 are padding.
        var image = new BgrImage(2, 1, [10, 20, 30, 50, 60, 70]);
        var layout = new LetterboxLayout(4, 4, 4, 2, 2f);
        var norm = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 128f);
        var tensor = new float[3 * 16];

        Letterbox.ToNchwReference(image, layout, norm, tensor);

        // Output x=0 samples source x=-0.25 → clamped to pixel 0; x=1 samples 0.25 → 0.75·p0 + 0.25·p1.
        Assert.Equal((30 - 127.5f) / 128f, tensor[0], 5);               // R plane, (0,0)
        Assert.Equal((0.75f * 30 + 0.25f * 70 - 127.5f) / 128f, tensor[1], 5);
        Assert.Equal((10 - 127.5f) / 128f, tensor[2 * 16], 5);          // B plane, (0,0)
        Assert.Equal((70 - 127.5f) / 128f, tensor[3], 5);               // R plane, (3,0): clamped to p1
        Assert.Equal(-127.5f / 128f, tensor[2 * 4], 5);                 // R plane, row 2: padding
        Assert.Equal(-127.5f / 128f, tensor[16 + 15], 5);               // G plane, last pixel: padding
    }
}
