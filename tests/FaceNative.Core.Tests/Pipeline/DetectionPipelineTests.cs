using FaceNative.Detection;
using FaceNative.Imaging;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Pipeline;

public class DetectionPipelineTests : IClassFixture<DefaultEngineFixture>
{
    private readonly DefaultEngineFixture _fx;

    public DetectionPipelineTests(DefaultEngineFixture fx) => _fx = fx;

    [Fact]
    public void Detect_GroupPhoto_FindsExactlySixFaces()
    {
        IReadOnlyList<DetectedFace> faces = _fx.Engine.Detect(_fx.Load("groups/isf_t1.jpg"));

        Assert.Equal(6, faces.Count);
        Assert.True(faces.Zip(faces.Skip(1)).All(p => p.First.Score >= p.Second.Score), "faces sorted by score");
    }

    [Fact]
    public void Detect_EveryIdentityPhoto_HasAFace()
    {
        var files = Directory.GetDirectories(TestData.FacesDir, "id*")
            .SelectMany(Directory.GetFiles)
            .ToList();
        Assert.True(files.Count > 50, $"expected the shared identity photos, found {files.Count}");

        var missing = files.Where(f => _fx.Engine.Detect(_fx.Engine.Decode(File.ReadAllBytes(f))).Count == 0)
            .ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("antispoof/sf_image_T1.jpg")]
    [InlineData("antispoof/sf_image_F1.jpg")]
    public void Detect_ExifRotatedPhoto_FaceIsUpright(string file)
    {
        BgrImage image = _fx.Load(file);
        DetectedFace face = _fx.Engine.Detect(image)[0];

        // Upright: both eyes above the nose, the nose above both mouth corners.
        var lm = face.Landmarks;
        Assert.True(lm[0].Y < lm[2].Y && lm[1].Y < lm[2].Y, "eyes above nose");
        Assert.True(lm[2].Y < lm[3].Y && lm[2].Y < lm[4].Y, "nose above mouth");
        Assert.True(lm[0].X < lm[1].X, "left eye left of right eye");
    }

    [Fact]
    public void Detect_LandmarksLieInsideTheirBox()
    {
        foreach (DetectedFace face in _fx.Engine.Detect(_fx.Load("groups/isf_t1.jpg")))
            Assert.All(face.Landmarks, p =>
            {
                Assert.InRange(p.X, face.Box.X1, face.Box.X2);
                Assert.InRange(p.Y, face.Box.Y1, face.Box.Y2);
            });
    }

    [Fact]
    public void Detect_TightFaceCrop_FoundByShrunkRetry()
    {
        BgrImage crop = _fx.Load("singles/isf_Tom_Hanks_54745.png");

        Assert.Single(_fx.Engine.Detect(crop));
    }

    [Fact]
    public void Detect_BlankImage_NoFaces_EmbedIsNoFace()
    {
        var blank = new BgrImage(320, 240, new byte[320 * 240 * 3]);

        Assert.Empty(_fx.Engine.Detect(blank));
        var e = Assert.Throws<FaceException>(() => _fx.Engine.Embed(blank));
        Assert.Equal(FaceErrorKind.NoFace, e.Kind);
    }

    [Fact]
    public void Detect_ThresholdOverride_OnlyRaisesTheBar()
    {
        BgrImage image = _fx.Load("groups/isf_t1.jpg");

        var strict = _fx.Engine.Detect(image, scoreThreshold: 0.9f);

        Assert.All(strict, f => Assert.True(f.Score >= 0.9f));
        Assert.True(strict.Count < 6);
    }

    [Fact]
    public void Detect_RawPixels_SameAsDecoded()
    {
        BgrImage decoded = _fx.Load("id10/fas_Barack_Obama_03.jpg");
        BgrImage raw = _fx.Engine.FromPixels(decoded.Pixels, decoded.Width, decoded.Height, 0, PixelFormat.Bgr24);

        Assert.Equal(_fx.Engine.Detect(decoded)[0].Box, _fx.Engine.Detect(raw)[0].Box);
    }
}
