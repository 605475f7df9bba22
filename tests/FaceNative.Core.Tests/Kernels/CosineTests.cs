using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>The vectorised dot product agrees with the double-precision reference within a
/// float rounding bound for every length.</summary>
public class CosineTests
{
    /// <summary>Σ|aᵢbᵢ| · n · ε bounds the error of any float summation order.</summary>
    private static void AssertClose(float[] a, float[] b, string context)
    {
        double bound = 0;
        for (int i = 0; i < a.Length; i++) bound += Math.Abs((double)a[i] * b[i]);
        bound = bound * (a.Length + 2) * 6e-8 + 1e-30;
        float expected = Cosine.DotReference(a, b), actual = Cosine.Dot(a, b);
        Assert.True(Math.Abs(expected - actual) <= bound, $"{context}: expected {expected:R}, got {actual:R}");
    }

    [Fact]
    public void Dot_MatchesScalar_AllLengths()
    {
        var rng = new Random(31);
        foreach (int n in KernelAssert.Lengths.Concat([255, 256, 257, 511, 512, 513, 1024]))
        {
            AssertClose(KernelAssert.RandomFloats(rng, n), KernelAssert.RandomFloats(rng, n), $"length {n}");
            AssertClose(KernelAssert.RandomFloats(rng, n, 1e20f), KernelAssert.RandomFloats(rng, n, 1e-20f),
                $"length {n} scaled");
        }
    }

    [Fact]
    public void Dot_PropagatesNaNAndInfinity_AtEveryPosition()
    {
        var rng = new Random(32);
        foreach (int n in new[] { 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 512 })
        {
            for (int at = 0; at < n; at++)
            {
                float[] a = KernelAssert.RandomFloats(rng, n), b = KernelAssert.RandomFloats(rng, n);
                a[at] = float.NaN;
                Assert.True(float.IsNaN(Cosine.Dot(a, b)), $"NaN at {at} of {n}");
                a[at] = float.PositiveInfinity;
                b[at] = 1;
                Assert.Equal(float.PositiveInfinity, Cosine.Dot(a, b));
            }
        }
    }

    [Fact]
    public void Dot_EmptyIsZero_MismatchThrows()
    {
        Assert.Equal(0f, Cosine.Dot([], []));
        Assert.Throws<FaceException>(() => Cosine.Dot(new float[3], new float[4]));
    }
}
