using FaceNative.Imaging;
using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Tests.Liveness;

public class CropTests
{
    [Fact]
    public void ScaledFaceCrop_Centred_HandComputed()
    {
        // 100×100 box at (450, 450) in 1000×1000, scale 2.7: 270×270 around (500, 500).
        CropRect crop = CropResize.ScaledFaceCrop(1000, 1000, 450, 450, 100, 100, 2.7f);

        Assert.Equal(new CropRect(365, 365, 271, 271), crop);
    }

    [Fact]
    public void ScaledFaceCrop_StickingOut_ShiftedBackInside()
    {
        // Box at the left edge: the 400-wide crop would start at −150, so it shifts to 0.
        CropRect crop = CropResize.ScaledFaceCrop(1000, 800, 0, 300, 100, 100, 4f);

        Assert.Equal(0, crop.X);
        Assert.Equal(401, crop.Width);
        Assert.Equal(150, crop.Y);
    }

    [Fact]
    public void ScaledFaceCrop_ImageTooSmall_ScaleShrinks()
    {
        // s = min((H−1)/h, (W−1)/w, 4) = min(199/100, 299/100, 4) = 1.99.
        CropRect crop = CropResize.ScaledFaceCrop(300, 200, 100, 50, 100, 100, 4f);

        Assert.Equal(0, crop.Y);
        Assert.Equal(199, crop.Height - 1);
    }

    [Fact]
    public void ScaledFaceCrop_BoxHalfOutsideFrame_StaysInImage()
    {
        CropRect crop = CropResize.ScaledFaceCrop(640, 480, -80, -60, 160, 160, 2.7f);

        Assert.True(crop.X >= 0 && crop.Y >= 0);
        Assert.True(crop.X + crop.Width <= 640 && crop.Y + crop.Height <= 480);
    }

    [Fact]
    public void CropResize_Downscale2x_AveragesPairs()
    {
        // 4×1 gray ramp 0, 100, 200, 250 resized to 2×1: centres at 0.5 and 2.5 → 50 and 225.
        var image = ImageLoader.FromPixels(new byte[] { 0, 100, 200, 250 }, 4, 1, 0, PixelFormat.Gray8);
        var tensor = new float[6];

        CropResize.ToNchwReference(image, new CropRect(0, 0, 4, 1), 2, 1,
            ChannelNorm.Uniform(ChannelOrder.Bgr, 0, 1), tensor);

        Assert.Equal(50f, tensor[0], 4);
        Assert.Equal(225f, tensor[1], 4);
    }
}
