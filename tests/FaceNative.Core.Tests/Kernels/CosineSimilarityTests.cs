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
