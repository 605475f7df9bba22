using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Tests.Fixtures;
using OpenCvSharp;
using Xunit;

namespace FaceNative.Tests.Robustness;

/// <summary>Odd and hostile images: each gives a correct result or a typed error, never a
/// crash, NaN or a broken engine for the next call.</summary>
public class HostileImageTests : IClassFixture<DefaultEngineFixture>
{
    private const string Portrait = "id10/fas_Barack_Obama_03.jpg";
    private readonly DefaultEngineFixture _fx;

    public HostileImageTests(DefaultEngineFixture fx) => _fx = fx;

    [Fact]
    public void ExifOrientation_AllEight_SameFaceUpright()
    {
        using Mat upright = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        Cv2.ImEncode(".jpg", upright, out byte[] reference, new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        FaceEmbedding expected = _fx.Engine.Embed(_fx.Engine.Decode(reference));

        for (int orientation = 1; orientation <= 8; orientation++)
        {
            BgrImage image = _fx.Engine.Decode(ImageFactory.JpegWithOrientation(upright, orientation));
            FaceEmbedding actual = _fx.Engine.Embed(image);

            Assert.Equal(upright.Width, image.Width);
            float cosine = Cosine.Similarity(expected.Embedding, actual.Embedding);
            Assert.True(cosine >= 0.99f, $"orientation {orientation}: cosine {cosine}");
            Assert.InRange(actual.Face.Box.CenterX, expected.Face.Box.CenterX - 8, expected.Face.Box.CenterX + 8);
        }
    }

    [Fact]
    public void TruncatedFiles_EveryTenPercent_TypedErrorOrResult()
    {
        foreach (string file in new[] { Portrait, "singles/agt_lin-manuel-miranda.png" })
        {
            byte[] bytes = TestData.FaceBytes(file);
            for (int tenth = 0; tenth < 10; tenth++)
            {
                byte[] cut = bytes[..(bytes.Length * tenth / 10)];
                AssertTypedOutcome(() =>
                {
                    FaceEmbedding result = _fx.Engine.Embed(_fx.Engine.Decode(cut));
                    Assert.All(result.Embedding, v => Assert.True(float.IsFinite(v), $"{file} at {tenth}0 %"));
                });
            }
        }
        AssertEngineStillWorks();
    }

    [Fact]
    public void RandomBytes_AndMagicWithGarbage_AreDecodeErrors()
    {
        var random = new Random(1234);
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            if (i % 3 == 1) { bytes[0] = 0xFF; bytes[1 % bytes.Length] = 0xD8; }
            AssertTypedOutcome(() => _fx.Engine.Decode(bytes));
        }
        AssertEngineStillWorks();
    }

    [Fact]
    public void FuzzFinding_PngWithIncompleteIdat_TypedOutcome()
    {
        // From fuzz/run.sh, two runs (each reported as a hang under load; replayed, each returns
        // at once).
        string[] findings =
        [
            "89504E470D0A1A0A0000000D49484452000000050000000308000000007E5DC0C0C0C0C0114944415478" +
            "9C63E46460606060624090000000E1000F63DD33000000000049454E44AE424482",
            "89504E470D0A1A0A0000000D49484452000000050000000308000000007E6062409000001149444154789C" +
            "63E4646060605D9A24000000E1000000DD33000000000049454E44AE426082",
        ];

        foreach (string hex in findings)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            AssertTypedOutcome(() => _fx.Engine.Decode(Convert.FromHexString(hex)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"decoding took {watch.Elapsed}");
        }
        AssertEngineStillWorks();
    }

    [Fact]
    public void FuzzFinding_JpegWithJunkBeforeHugeFrame_TooLargeFromTheHeader()
    {
        // From fuzz/run.sh decode: junk bytes between segments hid the SOF (59142 x 24328) from
        // our header reader; OpenCV skipped them, found the size over its own limit and threw.
        byte[] jpeg = Convert.FromHexString(
            "FFD8FFE000104A4649460001010003FA0000FA000064341F27393D38323C2E0000E200FFDB004300080606071705081C" +
            "07070909080A065F0803012200021101031100000001FAFFDA1C20242E2720222C231C1C3E37292C00000064341F2739" +
            "3D38323C2E333432EB323232323232323212323232323232323232323232323232323232323232643232323232323232" +
            "32FFC0001108E7065F0803012200021101031100000001FAFFDA000C030100021103118A28AF903EA8FFD9");

        // The same with a stuffed 0xFF 0x00 in the junk, which libjpeg also skips.
        byte[] stuffed = (byte[])jpeg.Clone();
        (stuffed[0x70], stuffed[0x71]) = (0xFF, 0x00);

        foreach (byte[] file in new[] { jpeg, stuffed })
        {
            var e = Assert.Throws<FaceException>(() => _fx.Engine.Decode(file));
            Assert.Equal(FaceErrorKind.TooLarge, e.Kind);
            Assert.Contains("24328x59142", e.Message);
        }
        AssertEngineStillWorks();
    }

    [Fact]
    public void FuzzFinding_PngDeclaringFourGigabyteChunk_DecodeErrorWithoutAllocating()
    {
        // From fuzz/run.sh decode: a 5x3 PNG whose second chunk declares 0xFFDF0011 bytes made
        // OpenCV's PNG reader allocate 4 GB (and take seconds) before failing.
        byte[] png = Convert.FromHexString(
            "89504E470D0A1A0A0000000D49484452000000050000000308000000007E5D9A24FFDF001149444154789C63E4646060" +
            "60606238900000E9000F63DD33000000000049414E44AE426082");
        long peakBefore = PeakResidentBytes();

        var e = Assert.Throws<FaceException>(() => _fx.Engine.Decode(png));

        Assert.Equal(FaceErrorKind.Decode, e.Kind);
        Assert.Contains("declares 4292804625 bytes", e.Message);
        long peakRise = PeakResidentBytes() - peakBefore;
        Assert.True(peakRise < 500_000_000, $"peak resident memory rose by {peakRise / 1_000_000} MB");
        AssertEngineStillWorks();
    }

    [Fact]
    public void DecompressionBomb_30000Squared_RefusedBeforeDecoding()
    {
        byte[] bomb = ImageFactory.ZeroPng(30000, 30000);
        Assert.True(bomb.Length < 1_000_000, $"bomb is {bomb.Length} bytes");
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long peakBefore = PeakResidentBytes();

        var e = Assert.Throws<FaceException>(() => _fx.Engine.Decode(bomb));

        Assert.Equal(FaceErrorKind.TooLarge, e.Kind);
        Assert.Contains("30000x30000", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 50_000_000, "refused without allocating");
        // OpenCV's buffers are native, invisible to the GC: decoding would have raised the
        // process's peak resident memory by the 2.7 GB of BGR pixels (or the 900 MB gray plane).
        long peakRise = PeakResidentBytes() - peakBefore;
        Assert.True(peakRise < 500_000_000, $"peak resident memory rose by {peakRise / 1_000_000} MB");
    }

    /// <summary>VmHWM of this process (Linux); the test runs on Linux only, as CI does.</summary>
    private static long PeakResidentBytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [Fact]
    public void TinyImages_OneByOne_NoFaceNotCrash()
    {
        var e = Assert.Throws<FaceException>(() => _fx.Engine.Embed(_fx.Engine.Decode(ImageFactory.ZeroPng(1, 1))));
        Assert.Equal(FaceErrorKind.NoFace, e.Kind);
    }

    [Theory]
    [InlineData(8, 0)]  // 8-bit gray
    [InlineData(8, 4)]  // gray + alpha
    [InlineData(16, 2)] // 16-bit RGB
    [InlineData(8, 6)]  // RGBA
    public void PngLayouts_DecodeToThreeChannels(byte bitDepth, byte colorType)
    {
        BgrImage image = _fx.Engine.Decode(ImageFactory.ZeroPng(17, 9, bitDepth, colorType));

        Assert.Equal(17, image.Width);
        Assert.Equal(17 * 9 * 3, image.Pixels.Length);
    }

    [Theory]
    [InlineData("rgba")]    // 8-bit RGBA, transparent around the face
    [InlineData("rgb16")]   // 16-bit RGB
    [InlineData("gray")]    // 8-bit gray
    [InlineData("gray16")]  // 16-bit gray
    public void PngLayouts_RealFace_SameFaceAsTheJpeg(string layout)
    {
        using Mat bgr = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        FaceEmbedding expected = _fx.Engine.Embed(_fx.Engine.Decode(TestData.FaceBytes(Portrait)));
        using Mat stored = ImageFactory.Relayout(bgr, layout, expected.Face.Box);
        Cv2.ImEncode(".png", stored, out byte[] png);

        FaceEmbedding actual = _fx.Engine.Embed(_fx.Engine.Decode(png));

        // Gray loses colour the recognizer sees, so its bound is looser than the others'.
        float minimum = layout.StartsWith("gray") ? 0.9f : 0.99f;
        float cosine = Cosine.Similarity(expected.Embedding, actual.Embedding);
        Assert.True(cosine >= minimum, $"{layout}: cosine {cosine}");
    }

    [Fact]
    public void FaceHalfOutsideFrame_AlignsAndChecksLiveness()
    {
        // Cut the portrait through the middle of the face: the box extends past the left edge.
        using Mat full = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        var face = _fx.Engine.Detect(_fx.Engine.Decode(TestData.FaceBytes(Portrait)))[0];
        int cut = (int)face.Box.CenterX;
        using Mat half = full[new Rect(cut, 0, full.Width - cut, full.Height)].Clone();
        Cv2.ImEncode(".png", half, out byte[] png);
        BgrImage image = _fx.Engine.Decode(png);

        var faces = _fx.Engine.Detect(image);
        Assert.NotEmpty(faces);
        Assert.True(faces[0].Box.X1 < 0, $"box starts at {faces[0].Box.X1}");
        Assert.All(_fx.Engine.EmbedFaces(image, faces)[0], v => Assert.True(float.IsFinite(v)));
        Assert.InRange(_fx.Engine.CheckLiveness(image, faces[0]).RealScore, 0f, 1f);
    }

    [Fact]
    public void OddSizes_SmallPhotoAndOddWidth_FindTheFace()
    {
        using Mat full = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        foreach (var size in new[] { new Size(300, 300), new Size(645, 449) })
        {
            using var resized = new Mat();
            Cv2.Resize(full, resized, size);
            Cv2.ImEncode(".png", resized, out byte[] png);

            Assert.NotEmpty(_fx.Engine.Detect(_fx.Engine.Decode(png)));
        }
    }

    [Fact]
    public void TwentyPixelFace_FoundWhereItIsOrNoFace()
    {
        // Shrink the portrait until its face is 20 px wide and paste it into a 640×480 frame,
        // so the detector sees it at 20 px too.
        BgrImage portrait = _fx.Load(Portrait);
        float faceWidth = _fx.Engine.Detect(portrait)[0].Box.Width;
        using Mat full = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        using var small = new Mat();
        double scale = 20 / faceWidth;
        Cv2.Resize(full, small, new Size(full.Width * scale, full.Height * scale),
            interpolation: InterpolationFlags.Area);
        using var frame = new Mat(480, 640, MatType.CV_8UC3, new Scalar(128, 128, 128));
        small.CopyTo(frame[new Rect(300, 200, small.Width, small.Height)]);
        Cv2.ImEncode(".png", frame, out byte[] png);

        var faces = new List<FaceNative.Detection.DetectedFace>();
        AssertTypedOutcome(() => faces.AddRange(_fx.Engine.Detect(_fx.Engine.Decode(png))));

        foreach (var face in faces)
        {
            Assert.InRange(face.Box.CenterX, 300, 300 + small.Width);
            Assert.InRange(face.Box.Width, 10, 40);
        }
    }

    [Fact]
    public void DynamicYuNet_OddSizedImageAtItsOwnSize_FindsTheFace()
    {
        // The dynamic YuNet export runs at any multiple of 32; 645×449 is rounded up to 672×480.
        using var engine = FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            Pack = "yunet",
            DetectorWidth = 645,
            DetectorHeight = 449,
        });
        using Mat full = Cv2.ImDecode(TestData.FaceBytes(Portrait), ImreadModes.Color);
        using var resized = new Mat();
        Cv2.Resize(full, resized, new Size(645, 449));
        Cv2.ImEncode(".png", resized, out byte[] png);

        var faces = engine.Detect(engine.Decode(png));

        // The portrait's face is centred; YuNet may add a weak hit elsewhere, never first.
        Assert.NotEmpty(faces);
        Assert.True(faces[0].Score > 0.8f, $"best score {faces[0].Score}");
        Assert.InRange(faces[0].Box.CenterX, 645 / 3f, 645 * 2 / 3f);
    }

    private static void AssertTypedOutcome(Action action)
    {
        try
        {
            action();
        }
        catch (FaceException)
        {
            // A typed error is an accepted outcome; anything else propagates and fails.
        }
    }

    private void AssertEngineStillWorks() => Assert.NotEmpty(_fx.Engine.Detect(_fx.Load(Portrait)));
}
