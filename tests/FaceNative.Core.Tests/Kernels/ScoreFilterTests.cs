using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>The vectorised score filters select exactly the reference's anchors.</summary>
public class ScoreFilterTests
{
    private static float[] Scores(Random rng, int n)
    {
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 0.5f, 1f, 1.5f, -0.1f];
        return Enumerable.Range(0, n)
            .Select(_ => rng.Next(4) == 0 ? special[rng.Next(special.Length)] : rng.NextSingle() * 1.4f - 0.2f)
            .ToArray();
    }

    [Fact]
    public void AtLeast_MatchesScalar_AllLengths()
    {
        var rng = new Random(51);
        foreach (int n in KernelAssert.Lengths.Concat([1000, 12800]))
        {
            float[] scores = Scores(rng, n);
            foreach (float threshold in new[] { 0.5f, 0f, -0f, 1f, float.NegativeInfinity, float.NaN })
            {
                var expected = new int[n];
                var actual = new int[n];
                int e = ScoreFilter.AtLeastReference(scores, threshold, expected);
                int a = ScoreFilter.AtLeast(scores, threshold, actual);
                Assert.Equal(expected.AsSpan(0, e).ToArray(), actual.AsSpan(0, a).ToArray());
            }
        }
    }

    [Fact]
    public void YuNet_MatchesScalar_AllLengths()
    {
        var rng = new Random(52);
        foreach (int n in KernelAssert.Lengths.Concat([1000, 6400]))
        {
            float[] cls = Scores(rng, n), obj = Scores(rng, n);
            foreach (float threshold in new[] { 0.6f, 0f, 1f })
            {
                var ei = new int[n];
                var es = new float[n];
                var ai = new int[n];
                var ascores = new float[n];
                int e = ScoreFilter.YuNetReference(cls, obj, threshold, ei, es);
                int a = ScoreFilter.YuNet(cls, obj, threshold, ai, ascores);
                Assert.Equal(ei.AsSpan(0, e).ToArray(), ai.AsSpan(0, a).ToArray());
                KernelAssert.BitEqual(es.AsSpan(0, e), ascores.AsSpan(0, a), $"n {n} threshold {threshold}");
            }
        }
    }

    [Fact]
    public void Filters_RejectShortBuffers()
    {
        Assert.Throws<ArgumentException>(() => ScoreFilter.AtLeast(new float[9], 0.5f, new int[8]));
        Assert.Throws<ArgumentException>(() =>
            ScoreFilter.YuNet(new float[4], new float[5], 0.5f, new int[5], new float[5]));
    }
}
