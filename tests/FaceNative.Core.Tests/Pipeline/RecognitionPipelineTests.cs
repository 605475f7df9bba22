using System.Globalization;
using FaceNative.Detection;
using FaceNative.Imaging;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Pipeline;

public class RecognitionPipelineTests : IClassFixture<DefaultEngineFixture>
{
    private readonly DefaultEngineFixture _fx;

    public RecognitionPipelineTests(DefaultEngineFixture fx) => _fx = fx;

    [Fact]
    public void Embed_IsUnitNorm512()
    {
        FaceEmbedding e = _fx.Engine.Embed(_fx.Load("id01/deepface_img2.jpg"));

        Assert.Equal(512, e.Embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(e.Embedding.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public void Verify_SamePhoto_DistanceNearZero()
    {
        BgrImage image = _fx.Load("id11/agt_biden.jpg");

        VerifyResult r = _fx.Engine.Verify(image, image);

        Assert.True(r.Verified);
        Assert.InRange(r.Distance, -1e-4f, 1e-4f);
        Assert.Equal(100f, r.Confidence, 2);
    }

    [Fact]
    public void Verify_SamePerson_BelowThreshold()
    {
        VerifyResult r = _fx.Engine.Verify(_fx.Load("id10/agt_obama.jpg"), _fx.Load("id10/fas_Barack_Obama_03.jpg"));

        Assert.True(r.Verified, $"distance {r.Distance} vs threshold {r.Threshold}");
        Assert.True(r.Distance < r.Threshold);
        Assert.Equal("w600k_mbf_uint8_dynamic", r.Model);
        Assert.NotNull(r.Image1Box);
    }

    [Fact]
    public void Verify_DifferentPeople_AboveThreshold_ZeroConfidence()
    {
        VerifyResult r = _fx.Engine.Verify(_fx.Load("id10/agt_obama.jpg"), _fx.Load("id01/deepface_img2.jpg"));

        Assert.False(r.Verified);
        Assert.True(r.Distance > r.Threshold);
        Assert.Equal(0f, r.Confidence);
    }

    [Fact]
    public void Verify_ExplicitThreshold_IsUsed_ConfidenceFormula()
    {
        VerifyResult r = _fx.Engine.Verify(_fx.Load("id10/agt_obama.jpg"), _fx.Load("id10/agt_obama2.jpg"),
            threshold: 0.9f);

        Assert.Equal(0.9f, r.Threshold);
        Assert.Equal(Math.Clamp((1 - r.Distance / 0.9f) * 100, 0, 100), r.Confidence, 3);
    }

    [Fact]
    public void Verify_NoFaceInOneImage_IsNoFace()
    {
        var blank = new BgrImage(200, 200, new byte[200 * 200 * 3]);

        var e = Assert.Throws<FaceException>(() => _fx.Engine.Verify(_fx.Load("id10/agt_obama.jpg"), blank));

        Assert.Equal(FaceErrorKind.NoFace, e.Kind);
        Assert.Contains("image 2", e.Message);
    }

    [Fact]
    public void EmbedFaces_GroupPhoto_EqualsOneByOne()
    {
        BgrImage image = _fx.Load("groups/isf_t1.jpg");
        IReadOnlyList<DetectedFace> faces = _fx.Engine.Detect(image);

        float[][] together = _fx.Engine.EmbedFaces(image, faces);

        for (int i = 0; i < faces.Count; i++)
            Assert.Equal(_fx.Engine.EmbedFaces(image, [faces[i]])[0], together[i]);
    }

    [Fact]
    public void Pairs_AgreeWithReferencePipeline_AndSeparateAtDefaultThreshold()
    {
        // Every labelled pair of pairs.csv: our similarity against the independent reference
        // column, and the verdict at the calibrated threshold.
        var rows = File.ReadLines(Path.Combine(TestData.FacesDir, "pairs.csv")).Skip(1)
            .Select(l => l.Split(','))
            .ToList();
        var cache = new Dictionary<string, float[]>();
        float[] EmbeddingOf(string file) => cache.TryGetValue(file, out var e)
            ? e
            : cache[file] = _fx.Engine.Embed(_fx.Load(file)).Embedding;

        double sumAbsDiff = 0;
        int compared = 0, correct = 0;
        foreach (string[] row in rows)
        {
            float similarity = 1 - _fx.Engine.CompareEmbeddings(EmbeddingOf(row[0]), EmbeddingOf(row[1])).Distance;
            bool same = row[2] == "1";
            correct += (1 - similarity < _fx.Engine.VerifyThreshold) == same ? 1 : 0;
            if (row[3].Length > 0)
            {
                sumAbsDiff += Math.Abs(similarity - float.Parse(row[3], CultureInfo.InvariantCulture));
                compared++;
            }
        }

        Assert.True(compared > 2500, $"compared {compared} pairs");
        Assert.True(sumAbsDiff / compared <= 0.03, $"mean |Δ similarity| = {sumAbsDiff / compared:F4}");
        Assert.True((double)correct / rows.Count >= 0.99, $"accuracy {(double)correct / rows.Count:P2}");
    }
}
