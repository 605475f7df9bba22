namespace FaceNative.Geometry;

/// <summary>Least-squares similarity (rotation, uniform scale, translation) between point sets.</summary>
public static class SimilarityTransform
{
    /// <summary>The five-point ArcFace template for a 112×112 crop (InsightFace face_align).</summary>
    public static readonly PointF[] ArcFaceTemplate112 =
    [
        new(38.2946f, 51.6963f),
        new(73.5318f, 51.5014f),
        new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f),
        new(70.7299f, 92.2041f),
    ];

    /// <summary>
    /// Umeyama's estimate of the similarity taking <paramref name="src"/> onto
    /// <paramref name="dst"/>. In two dimensions the rotation-plus-scale part is the complex
    /// number a + ib minimising Σ|(a + ib)·p − q|² over the centred points, which is what the
    /// SVD form reduces to when no reflection is allowed.
    /// </summary>
    public static AffineMatrix Umeyama(ReadOnlySpan<PointF> src, ReadOnlySpan<PointF> dst)
    {
        if (src.Length != dst.Length || src.Length < 2)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                "similarity needs two equal-length point sets of at least 2 points");

        double n = src.Length;
        double msx = 0, msy = 0, mdx = 0, mdy = 0;
        for (int i = 0; i < src.Length; i++)
        {
            msx += src[i].X; msy += src[i].Y;
            mdx += dst[i].X; mdy += dst[i].Y;
        }
        msx /= n; msy /= n; mdx /= n; mdy /= n;

        double dotSum = 0, crossSum = 0, srcVar = 0;
        for (int i = 0; i < src.Length; i++)
        {
            double px = src[i].X - msx, py = src[i].Y - msy;
            double qx = dst[i].X - mdx, qy = dst[i].Y - mdy;
            dotSum += px * qx + py * qy;
            crossSum += px * qy - py * qx;
            srcVar += px * px + py * py;
        }

        if (!(srcVar > 1e-12) || !double.IsFinite(srcVar + dotSum + crossSum))
            throw new FaceException(FaceErrorKind.InvalidArgument,
                "landmarks are degenerate (all at one point or not finite)");

        double a = dotSum / srcVar, b = crossSum / srcVar;
        double tx = mdx - (a * msx - b * msy);
        double ty = mdy - (b * msx + a * msy);
        return new AffineMatrix(a, -b, tx, b, a, ty);
    }
}
