using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Pipeline;

public class EngineLoadTests
{
    [Fact]
    public void Load_MissingModel_NamesFileAndPlaces()
    {
        string empty = Path.Combine(Path.GetTempPath(), "facenative-none-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<FaceException>(() => FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            DetectorPath = Path.Combine(empty, "det.onnx"),
        }));

        Assert.Equal(FaceErrorKind.Model, e.Kind);
        Assert.Contains("det.onnx", e.Message);
    }

    [Fact]
    public void Load_NotAnOnnxFile_IsModelError()
    {
        string bogus = OnnxGraph.WriteTemp("this is not a model"u8.ToArray(), "bogus.onnx");

        var e = Assert.Throws<FaceException>(() => FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            RecognizerPath = bogus,
        }));

        Assert.Equal(FaceErrorKind.Model, e.Kind);
        Assert.Contains("bogus.onnx", e.Message);
    }

    [Fact]
    public void Liveness_NotLoaded_IsDistinctError()
    {
        using var engine = FaceEngine.Load(new EngineOptions { ModelsDirectory = TestData.ModelsDir, Pack = "yunet" });
        var image = engine.Decode(TestData.FaceBytes("id10/agt_obama.jpg"));

        var e = Assert.Throws<FaceException>(() => engine.Verify(image, image, antiSpoofing: true));

        Assert.Equal(FaceErrorKind.NoLivenessModel, e.Kind);
        Assert.Contains("liveness", e.Message);
    }

    [Theory]
    [InlineData("yunet")]
    [InlineData("faceplugin")]
    [InlineData("fast")]
    public void OtherPacks_VerifySamePerson(string pack)
    {
        using var engine = FaceEngine.Load(new EngineOptions { ModelsDirectory = TestData.ModelsDir, Pack = pack });
        var a = engine.Decode(TestData.FaceBytes("id10/agt_obama.jpg"));
        var b = engine.Decode(TestData.FaceBytes("id10/agt_obama2.jpg"));
        var c = engine.Decode(TestData.FaceBytes("id01/deepface_img2.jpg"));

        Assert.True(engine.Verify(a, b).Verified);
        Assert.False(engine.Verify(a, c).Verified);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    public void Recognizer_BrokenOutput_IsModelErrorNotNaN(float weight)
    {
        // A stand-in recognizer whose embedding is all zeros or NaN must fail loudly.
        byte[] model = OnnxGraph.ChannelMeansTimes("input.1", "516", 112, [weight, weight, weight], dynamicBatch: true);
        string path = OnnxGraph.WriteTemp(model, $"broken_recognizer_{(float.IsNaN(weight) ? "nan" : "zero")}.onnx");
        using var engine = FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            RecognizerPath = path,
            SkipOptionalModels = true,
        });

        var image = engine.Decode(TestData.FaceBytes("id10/agt_obama.jpg"));
        var e = Assert.Throws<FaceException>(() => engine.Embed(image));

        Assert.Equal(FaceErrorKind.Model, e.Kind);
    }

    [Fact]
    public void Recognizer_DynamicBatch_BatchedEqualsOneByOne()
    {
        // The shipped recognizers never batch (quantised, or batch fixed at 1); this stand-in
        // has a dynamic batch, so the six faces of the group photo run as one batch. Its
        // 3-value "embedding" is the crop's channel means, different for every face.
        byte[] model = OnnxGraph.ChannelMeansTimes("input.1", "516", 112, [0.3f, 1f, 2.5f], dynamicBatch: true);
        string path = OnnxGraph.WriteTemp(model, "batch_recognizer.onnx");
        using var engine = FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            RecognizerPath = path,
            SkipOptionalModels = true,
        });
        var image = engine.Decode(TestData.FaceBytes("groups/isf_t1.jpg"));
        var faces = engine.Detect(image);

        float[][] together = engine.EmbedFaces(image, faces);

        Assert.Equal(6, together.Length);
        for (int i = 0; i < faces.Count; i++)
        {
            float[] alone = engine.EmbedFaces(image, [faces[i]])[0];
            for (int k = 0; k < alone.Length; k++)
                Assert.Equal(alone[k], together[i][k], 1e-6f);
        }
        Assert.Equal(6, together.Select(e => string.Join(",", e)).Distinct().Count());
    }

    [Fact]
    public void Pack_UnparseableVerifyThreshold_IsModelError()
    {
        string pack = Path.Combine(Path.GetTempPath(), $"facenative-{Guid.NewGuid():N}.pack");
        File.WriteAllText(pack, File.ReadAllText(PackSource("yunet")).Replace("VERIFY_MBF", "strict"));
        try
        {
            var e = Assert.Throws<FaceException>(() => FaceEngine.Load(new EngineOptions
            {
                ModelsDirectory = TestData.ModelsDir,
                Pack = pack,
            }));

            Assert.Equal(FaceErrorKind.Model, e.Kind);
            Assert.Contains("'strict'", e.Message);
        }
        finally
        {
            File.Delete(pack);
        }
    }

    private static string PackSource(string name) =>
        Path.Combine(TestData.RepoRoot, "src", "FaceNative.Core", "Packs", name + ".pack");

    [Fact]
    public void DetectorSize_Parse()
    {
        Assert.Equal((640, 480), EngineOptions.ParseDetectorSize("640x480"));
        Assert.Equal((320, 320), EngineOptions.ParseDetectorSize("320"));
        Assert.Throws<FaceException>(() => EngineOptions.ParseDetectorSize("big"));
    }
}
