using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Tests.Kernels;

public class CosineSimilarityTests
{
    [Fact]
    public void Similarity_HandComputed()
    {
        // (1,0) vs (1,1): cos 45° = 0.7071; norms need not be 1.
        Assert.Equal(0.70710678f, Cosine.Similarity([3, 0], [2, 2]), 5);
        Assert.Equal(-1f, Cosine.Similarity([1, 2], [-2, -4]), 5);
    }

    [Fact]
    public void Similarity_MatchesDoubleFormula_AllLengths()
    {
        // The vectorised dot products against a formula computed wholly in double, for every
        // length across the vector widths' remainders and the usual embedding sizes.
        var random = new Random(11);
        int[] lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 511, 512, 513, 1024];
        foreach (int n in lengths)
        {
            float[] a = new float[n], b = new float[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = (float)(random.NextDouble() * 2 - 1);
                b[i] = (float)(random.NextDouble() * 2 - 1);
            }
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < n; i++)
            {
                dot += (double)a[i] * b[i];
                na += (double)a[i] * a[i];
                nb += (double)b[i] * b[i];
            }

            float expected = (float)(dot / Math.Sqrt(na * nb));
            Assert.InRange(Cosine.Similarity(a, b), expected - 2e-6f, expected + 2e-6f);
        }
    }

    [Fact]
    public void Similarity_ZeroOrNaN_ThrowsInsteadOfNaN()
    {
        Assert.Throws<FaceException>(() => Cosine.Similarity([0, 0], [1, 1]));
        Assert.Throws<FaceException>(() => Cosine.Similarity([float.NaN, 0], [1, 1]));
        Assert.Throws<FaceException>(() => Cosine.Similarity([1, 0, 0], [1, 1]));
    }

    [Fact]
    public void TryNormalize_UnitNorm_RejectsZeroAndInfinity()
    {
        float[] v = [3, 4];
        Assert.True(Cosine.TryNormalize(v));
        Assert.Equal([0.6f, 0.8f], v);

        Assert.False(Cosine.TryNormalize(new float[] { 0, 0 }));
        Assert.False(Cosine.TryNormalize(new float[] { float.PositiveInfinity, 1 }));
    }
}
