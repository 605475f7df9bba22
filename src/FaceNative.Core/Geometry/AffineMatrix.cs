namespace FaceNative.Geometry;

/// <summary>
/// A 2×3 affine map [x', y'] = [[A, B, C], [D, E, F]] · [x, y, 1], in double precision
/// because inverting a near-degenerate similarity in float loses whole pixels.
/// </summary>
public readonly record struct AffineMatrix(double A, double B, double C, double D, double E, double F)
{
    public static AffineMatrix Identity => new(1, 0, 0, 0, 1, 0);

    public double Determinant => A * E - B * D;

    public PointF Apply(PointF p) =>
        new((float)(A * p.X + B * p.Y + C), (float)(D * p.X + E * p.Y + F));

    /// <summary>The inverse map; a singular or non-finite matrix is an argument error, since
    /// warping through it would sample nothing meaningful.</summary>
    public AffineMatrix Invert()
    {
        double det = Determinant;
        if (!double.IsFinite(det) || Math.Abs(det) < 1e-12)
            throw new FaceException(FaceErrorKind.InvalidArgument, "affine matrix is singular");

        double ia = E / det, ib = -B / det, id = -D / det, ie = A / det;
        return new AffineMatrix(ia, ib, -(ia * C + ib * F), id, ie, -(id * C + ie * F));
    }

    /// <summary>Maps an output pixel of a <paramref name="outWidth"/>×<paramref name="outHeight"/>
    /// crop onto the source rectangle, with the same pixel-centre convention as a bilinear
    /// resize (OpenCV's INTER_LINEAR): out (u + 0.5) ↔ src (x + 0.5).</summary>
    public static AffineMatrix CropResize(double x, double y, double width, double height,
        int outWidth, int outHeight)
    {
        double sx = width / outWidth, sy = height / outHeight;
        return new AffineMatrix(sx, 0, x + 0.5 * sx - 0.5, 0, sy, y + 0.5 * sy - 0.5);
    }
}
