using FaceNative.Geometry;
using Xunit;

namespace FaceNative.Tests.Geometry;

public class SimilarityTransformTests
{
    private static readonly PointF[] s_template = SimilarityTransform.ArcFaceTemplate112;

    [Fact]
    public void Umeyama_Identity_WhenPointsEqualTemplate()
    {
        AffineMatrix m = SimilarityTransform.Umeyama(s_template, s_template);

        AssertMatrix(m, 1, 0, 0, 0, 1, 0);
    }

    [Fact]
    public void Umeyama_RecoversTranslation()
    {
        PointF[] shifted = s_template.Select(p => new PointF(p.X + 10, p.Y - 5)).ToArray();

        // Taking shifted points back onto the template is the opposite shift.
        AffineMatrix m = SimilarityTransform.Umeyama(shifted, s_template);

        AssertMatrix(m, 1, 0, -10, 0, 1, 5);
    }

    [Fact]
    public void Umeyama_RecoversScaleAndRotation_HandComputed()
    {
        // src: a unit square; dst: the square rotated 90° and doubled: (x, y) → (−2y, 2x) + (3, 4).
        PointF[] src = [new(0, 0), new(1, 0), new(1, 1), new(0, 1)];
        PointF[] dst = src.Select(p => new PointF(-2 * p.Y + 3, 2 * p.X + 4)).ToArray();

        AffineMatrix m = SimilarityTransform.Umeyama(src, dst);

        AssertMatrix(m, 0, -2, 3, 2, 0, 4);
    }

    [Fact]
    public void Umeyama_LeastSquares_WithNoisyPoint()
    {
        // A square whose third corner is pulled 4 px right: no similarity fits exactly, and
        // the least-squares one is worked out by hand below.
        PointF[] src = [new(-1, -1), new(1, -1), new(1, 1), new(-1, 1)];
        PointF[] dst = [new(-1, -1), new(1, -1), new(5, 1), new(-1, 1)];

        AffineMatrix m = SimilarityTransform.Umeyama(src, dst);

        // Hand-computed: centred sums give a = Σp·q/Σ|p|² = 12/8, b = Σp×q/Σ|p|² = −4/8.
        Assert.Equal(1.5, m.A, 9);
        Assert.Equal(0.5, m.B, 9);
        Assert.Equal(1.0, m.C, 9);
        Assert.Equal(-0.5, m.D, 9);
        Assert.Equal(1.5, m.E, 9);
        Assert.Equal(0.0, m.F, 9);
    }

    [Fact]
    public void Umeyama_DegeneratePoints_Throws()
    {
        PointF[] same = Enumerable.Repeat(new PointF(5, 5), 5).ToArray();

        var e = Assert.Throws<FaceException>(() => SimilarityTransform.Umeyama(same, s_template));
        Assert.Equal(FaceErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void Umeyama_NaNPoints_Throws()
    {
        PointF[] bad = s_template.Select(p => new PointF(float.NaN, p.Y)).ToArray();

        Assert.Throws<FaceException>(() => SimilarityTransform.Umeyama(bad, s_template));
    }

    [Fact]
    public void Invert_ComposesToIdentity()
    {
        var m = new AffineMatrix(0.8, -0.3, 12, 0.3, 0.8, -7);
        AffineMatrix inv = m.Invert();
        PointF p = new(31, 44);

        PointF back = inv.Apply(m.Apply(p));

        Assert.Equal(p.X, back.X, 3);
        Assert.Equal(p.Y, back.Y, 3);
    }

    [Fact]
    public void Invert_Singular_Throws()
    {
        var m = new AffineMatrix(1, 2, 0, 2, 4, 0);

        Assert.Throws<FaceException>(() => m.Invert());
    }

    private static void AssertMatrix(AffineMatrix m, double a, double b, double c, double d, double e, double f)
    {
        Assert.Equal(a, m.A, 4);
        Assert.Equal(b, m.B, 4);
        Assert.Equal(c, m.C, 4);
        Assert.Equal(d, m.D, 4);
        Assert.Equal(e, m.E, 4);
        Assert.Equal(f, m.F, 4);
    }
}
