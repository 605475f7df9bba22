using System.Diagnostics;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Tests.Fixtures;
using OpenCvSharp;
using Xunit;
using Xunit.Sdk;

namespace FaceNative.Tests.Robustness;

/// <summary>The same portrait in every container the decoder should read: each must give
/// the same face (cosine ≥ 0.98 with the baseline JPEG) or a decode error naming the format.</summary>
public class FormatTests : IClassFixture<DefaultEngineFixture>
{
    private const string Portrait = "id10/fas_Barack_Obama_03.jpg";
    private readonly DefaultEngineFixture _fx;
    private readonly float[] _baseline;

    public FormatTests(DefaultEngineFixture fx)
    {
        _fx = fx;
        _baseline = fx.Engine.Embed(fx.Load(Portrait)).Embedding;
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".bmp")]
    [InlineData(".webp")]
    [InlineData(".tiff")]
    [InlineData(".jpg-progressive")]
    [InlineData(".jpg-gray")]
    public void OpenCvEncodedFormats_SameFace(string format)
    {
        using Mat portrait = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        byte[] bytes = format switch
        {
            ".jpg-progressive" => Encode(".jpg", portrait, new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1)),
            ".jpg-gray" => EncodeGray(portrait),
            ".webp" => Encode(".webp", portrait, new ImageEncodingParam(ImwriteFlags.WebPQuality, 100)),
            _ => Encode(format, portrait),
        };

        AssertSameFace(_fx.Engine.Decode(bytes), format == ".jpg-gray" ? 0.9f : 0.98f);
    }

    [Fact]
    public void PalettePng_SameFace()
    {
        // Quantise to 6×6×6 colours and write an indexed PNG by hand (OpenCV can't write one).
        using Mat portrait = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        byte[] png = ImageFactory.PalettePng(portrait);

        // 216 colours posterise the skin; the match stays far above the verify threshold.
        AssertSameFace(_fx.Engine.Decode(png), 0.8f);
    }

    [Fact]
    public void CmykJpeg_SameFace()
    {
        // Debian's Pillow writes Adobe CMYK JPEGs; OpenCV cannot, so the test asks it to.
        string source = TestData.Face(Portrait);
        string target = Path.Combine(Path.GetTempPath(), $"facenative-cmyk-{Guid.NewGuid():N}.jpg");
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c",
            "import sys; from PIL import Image; Image.open(sys.argv[1]).convert('CMYK').save(sys.argv[2], quality=95)",
            source, target]) { RedirectStandardError = true };
        using (Process p = Process.Start(psi)!)
        {
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new XunitException(
                    $"could not make a CMYK JPEG with python3-pil (./build.sh deps installs it): {error}");
        }

        AssertSameFace(_fx.Engine.Decode(File.ReadAllBytes(target)), 0.95f);
    }

    [Fact]
    public void UnsupportedContainer_DecodeErrorNamesProblem()
    {
        byte[] gif = "GIF89a\x01\x00\x01\x00\x00\x00\x00;"u8.ToArray();

        var e = Assert.Throws<FaceException>(() => _fx.Engine.Decode(gif));

        Assert.Equal(FaceErrorKind.Decode, e.Kind);
        Assert.Contains("decode", e.Message);
    }

    private void AssertSameFace(BgrImage image, float minimumCosine)
    {
        float cosine = Cosine.Similarity(_baseline, _fx.Engine.Embed(image).Embedding);
        Assert.True(cosine >= minimumCosine, $"cosine {cosine}");
    }

    private static byte[] Encode(string extension, Mat image, params ImageEncodingParam[] parameters)
    {
        Cv2.ImEncode(extension, image, out byte[] bytes, parameters);
        return bytes;
    }

    private static byte[] EncodeGray(Mat image)
    {
        using var gray = new Mat();
        Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
        return Encode(".jpg", gray);
    }
}
