using FaceNative.Attributes;
using FaceNative.Detection;
using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Models;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Attributes;

public class AgeGenderDecodeTests
{
    [Fact]
    public void SsrStages_HandComputed()
    {
        // Stage probabilities all on bin 2, offsets 0, deltas 0: a = 2/3, b = 2/9, c = 2/27,
        // sum = 26/27 (the top of the range).
        var x = new float[21];
        x[2] = 1; x[5] = 1; x[8] = 1;

        Assert.Equal(26f / 27f, SsrAgeGenderEstimator.DecodeStages(x), 5);

        // Bin 1 of stage 1 only, offset +0.5, delta_k 1 → a = 1.5·1 / (3·2) = 0.25.
        x = new float[21];
        x[1] = 1; x[13] = 0.5f; x[9] = 1;
        Assert.Equal(0.25f, SsrAgeGenderEstimator.DecodeStages(x), 5);
    }

    [Fact]
    public void InsightFaceDecode_ArgmaxGender_AgeTimesHundred()
    {
        AgeGender male = InsightFaceGenderAge.Decode([0.1f, 2.1f, 0.37f]);
        AgeGender female = InsightFaceGenderAge.Decode([3f, -1f, 0.08f]);

        Assert.True(male.IsMale);
        Assert.Equal(37f, male.Age, 3);
        Assert.Equal(1 / (1 + MathF.Exp(-2f)), male.MaleProbability, 4);
        Assert.False(female.IsMale);
        Assert.Throws<FaceException>(() => InsightFaceGenderAge.Decode([float.NaN, 0, 0]));
    }

    [Fact]
    public void InsightFaceGenderAge_StandInModel_SeesRgbCropOfTheBox()
    {
        // The stand-in returns the crop's channel means times (0.001, 0.01, 0.035). On a
        // uniform B=10, G=100, R=200 image the crop (1.5× the box, inside the image) is
        // uniform, so RGB order gives (0.2, 1.0, 0.35): male, age 35. BGR would give age 700.
        byte[] model = OnnxGraph.ChannelMeansTimes("data", "fc1", 96, [0.001f, 0.01f, 0.035f], dynamicBatch: false);
        string path = OnnxGraph.WriteTemp(model, "genderage_standin.onnx");
        var pixels = new byte[400 * 400 * 3];
        for (int i = 0; i < pixels.Length; i += 3) { pixels[i] = 10; pixels[i + 1] = 100; pixels[i + 2] = 200; }
        var image = new BgrImage(400, 400, pixels);
        var face = new DetectedFace(new FaceBox(150, 150, 250, 250), 0.9f, new PointF[5]);

        using var estimator = new InsightFaceGenderAge(OnnxModel.Load(path, new InferenceOptions()));
        AgeGender result = estimator.Estimate(image, face);

        Assert.Equal(35f, result.Age, 1);
        Assert.True(result.IsMale);
        Assert.Equal(1 / (1 + MathF.Exp(-0.8f)), result.MaleProbability, 3);
    }

    [Fact]
    public void Engine_LoadsGenderAgeStandIn_AndAnalyzeReportsIt()
    {
        byte[] model = OnnxGraph.ChannelMeansTimes("data", "fc1", 96, [0.001f, 0.01f, 0.035f], dynamicBatch: false);
        string path = OnnxGraph.WriteTemp(model, "genderage_engine.onnx");
        using var engine = FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            SkipOptionalModels = true,
            GenderAgePath = path,
        });

        var faces = engine.Analyze(engine.Decode(TestData.FaceBytes("id10/fas_Barack_Obama_03.jpg")));

        Assert.True(engine.HasAttributes);
        Assert.NotEmpty(faces);
        Assert.All(faces, f => Assert.NotNull(f.AgeGender));
    }
}
