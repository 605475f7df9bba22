namespace FaceNative.Kernels;

/// <summary>Dot products and normalisation for embeddings.</summary>
public static class Cosine
{
    /// <summary>Scalar reference dot product, accumulated in double so that it can serve as
    /// the oracle for the vectorised float versions.</summary>
    public static float DotReference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"embeddings differ in length ({a.Length} vs {b.Length})");
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += (double)a[i] * b[i];
        return (float)sum;
    }

    /// <summary>Cosine similarity of two vectors of any norm; an error for zero or non-finite
    /// vectors rather than a NaN that would compare as "not the same person" silently.</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float dot = DotReference(a, b);
        double na = Math.Sqrt(DotReference(a, a)), nb = Math.Sqrt(DotReference(b, b));
        if (!(na > 0) || !(nb > 0) || !double.IsFinite(na) || !double.IsFinite(nb) || !float.IsFinite(dot))
            throw new FaceException(FaceErrorKind.InvalidArgument, "embedding is zero or not finite");
        return (float)Math.Clamp(dot / (na * nb), -1.0, 1.0);
    }

    /// <summary>Scales <paramref name="v"/> to unit L2 norm in place; false when it is zero or
    /// holds a non-finite value (the vector is then left untouched).</summary>
    public static bool TryNormalize(Span<float> v)
    {
        double sumSquares = 0;
        foreach (float x in v)
        {
            if (!float.IsFinite(x)) return false;
            sumSquares += (double)x * x;
        }
        if (!(sumSquares > 1e-24)) return false;

        float inv = (float)(1.0 / Math.Sqrt(sumSquares));
        for (int i = 0; i < v.Length; i++) v[i] *= inv;
        return true;
    }
}
