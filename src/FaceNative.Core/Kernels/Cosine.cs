using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// Vectorised float dot product: Vector512, else Vector256, else Vector128 lanes, each with
    /// four independent accumulators (a fused multiply-add where the hardware has one), the
    /// remainder by a masked last vector; vectors under one lane width are scalar. The sum is
    /// in float and in a different order from <see cref="DotReference"/>: expect a relative
    /// difference of order 1e-6 · √length, not bit equality.
    /// </summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"embeddings differ in length ({a.Length} vs {b.Length})");
        return DotUnchecked(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotUnchecked(ref float a, ref float b, int length)
    {
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
            return Dot512(ref a, ref b, length);
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
            return Dot256(ref a, ref b, length);
        if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
            return Dot128(ref a, ref b, length);

        float sum = 0;
        for (int i = 0; i < length; i++)
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }

    private static float Dot512(ref float a, ref float b, int length)
    {
        const int W = 16;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        nuint i = 0, n = (nuint)length;
        for (; i + 4 * W <= n; i += 4 * W)
        {
            s0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), s0);
            s1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i + W),
                Vector512.LoadUnsafe(ref b, i + W), s1);
            s2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i + 2 * W),
                Vector512.LoadUnsafe(ref b, i + 2 * W), s2);
            s3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i + 3 * W),
                Vector512.LoadUnsafe(ref b, i + 3 * W), s3);
        }
        for (; i + W <= n; i += W)
            s0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), s0);

        // Masked last vector: reload the final W elements and keep only the lanes not yet summed.
        if (i < n)
        {
            nuint last = n - W;
            var fresh = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create((int)(i - last)));
            var product = Vector512.LoadUnsafe(ref a, last) * Vector512.LoadUnsafe(ref b, last);
            s1 += product & fresh.AsSingle();
        }
        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    private static float Dot256(ref float a, ref float b, int length)
    {
        const int W = 8;
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        nuint i = 0, n = (nuint)length;
        for (; i + 4 * W <= n; i += 4 * W)
        {
            s0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), s0);
            s1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + W),
                Vector256.LoadUnsafe(ref b, i + W), s1);
            s2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 2 * W),
                Vector256.LoadUnsafe(ref b, i + 2 * W), s2);
            s3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 3 * W),
                Vector256.LoadUnsafe(ref b, i + 3 * W), s3);
        }
        for (; i + W <= n; i += W)
            s0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), s0);

        if (i < n)
        {
            nuint last = n - W;
            var fresh = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)(i - last)));
            var product = Vector256.LoadUnsafe(ref a, last) * Vector256.LoadUnsafe(ref b, last);
            s1 += product & fresh.AsSingle();
        }
        return Vector256.Sum((s0 + s1) + (s2 + s3));
    }

    private static float Dot128(ref float a, ref float b, int length)
    {
        const int W = 4;
        Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
        nuint i = 0, n = (nuint)length;
        for (; i + 4 * W <= n; i += 4 * W)
        {
            s0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i), s0);
            s1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + W),
                Vector128.LoadUnsafe(ref b, i + W), s1);
            s2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 2 * W),
                Vector128.LoadUnsafe(ref b, i + 2 * W), s2);
            s3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 3 * W),
                Vector128.LoadUnsafe(ref b, i + 3 * W), s3);
        }
        for (; i + W <= n; i += W)
            s0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i), s0);

        if (i < n)
        {
            nuint last = n - W;
            var fresh = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)(i - last)));
            var product = Vector128.LoadUnsafe(ref a, last) * Vector128.LoadUnsafe(ref b, last);
            s1 += product & fresh.AsSingle();
        }
        return Vector128.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>Cosine similarity of two vectors of any norm, from three vectorised dot
    /// products; an error for zero or non-finite vectors rather than a NaN that would compare
    /// as "not the same person" silently.</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float dot = Dot(a, b);
        double na = Math.Sqrt(Dot(a, a)), nb = Math.Sqrt(Dot(b, b));
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
