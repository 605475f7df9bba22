using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FaceNative.Kernels;

/// <summary>
/// The first step of decoding a detector's outputs: find the few anchors whose score passes
/// the threshold among the tens of thousands in the score maps, so that only those are
/// decoded. SCRFD's score is the map itself; YuNet's is √(cls · obj) with both clamped to
/// [0, 1], as OpenCV's FaceDetectorYN computes it.
/// </summary>
/// <remarks>
/// The vector forms compare a whole vector at once and walk the set bits of the comparison
/// mask, so a map with no survivors costs one compare per vector. A NaN score never passes.
/// Results are identical to the references (same comparisons, same IEEE square root).
/// </remarks>
public static class ScoreFilter
{
    /// <summary>Scalar reference: indices i with scores[i] ≥ threshold, ascending, written to
    /// <paramref name="indices"/> (at least scores.Length long); returns how many.</summary>
    public static int AtLeastReference(ReadOnlySpan<float> scores, float threshold, Span<int> indices)
    {
        CheckCapacity(scores.Length, indices.Length);
        int count = 0;
        for (int i = 0; i < scores.Length; i++)
            if (scores[i] >= threshold) indices[count++] = i;
        return count;
    }

    /// <summary>Vectorised <see cref="AtLeastReference"/>.</summary>
    public static int AtLeast(ReadOnlySpan<float> scores, float threshold, Span<int> indices)
    {
        CheckCapacity(scores.Length, indices.Length);
        ref float s = ref MemoryMarshal.GetReference(scores);
        int n = scores.Length, count = 0, i = 0;

        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var t = Vector256.Create(threshold);
            for (; i <= n - 8; i += 8)
                count = Emit(Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref s, (nuint)i), t)
                    .ExtractMostSignificantBits(), i, indices, count);

            // Masked last vector: lanes below the first unvisited element were emitted already.
            if (i < n)
            {
                uint bits = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref s, (nuint)(n - 8)), t)
                    .ExtractMostSignificantBits();
                count = Emit(bits & (0xFFu << (i - (n - 8))), n - 8, indices, count);
            }
            return count;
        }
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            var t = Vector128.Create(threshold);
            for (; i <= n - 4; i += 4)
                count = Emit(Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref s, (nuint)i), t)
                    .ExtractMostSignificantBits(), i, indices, count);
            if (i < n)
            {
                uint bits = Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref s, (nuint)(n - 4)), t)
                    .ExtractMostSignificantBits();
                count = Emit(bits & (0xFu << (i - (n - 4))), n - 4, indices, count);
            }
            return count;
        }

        for (; i < n; i++)
            if (Unsafe.Add(ref s, i) >= threshold) indices[count++] = i;
        return count;
    }

    /// <summary>Scalar reference for YuNet: score_i = √(clamp(cls_i) · clamp(obj_i)); writes the
    /// passing indices and their scores; returns how many.</summary>
    public static int YuNetReference(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, float threshold,
        Span<int> indices, Span<float> scores)
    {
        CheckYuNet(cls, obj, indices, scores);
        int count = 0;
        for (int i = 0; i < cls.Length; i++)
        {
            float score = MathF.Sqrt(Math.Clamp(cls[i], 0f, 1f) * Math.Clamp(obj[i], 0f, 1f));
            if (!(score >= threshold)) continue;
            indices[count] = i;
            scores[count++] = score;
        }
        return count;
    }

    /// <summary>Vectorised <see cref="YuNetReference"/>: 256-bit vectors, else 128-bit, else the
    /// scalar reference. The clamp is written as two selects rather than min/max so that NaN
    /// and −0 come out exactly as <see cref="Math.Clamp(float, float, float)"/>.</summary>
    public static int YuNet(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, float threshold,
        Span<int> indices, Span<float> scores)
    {
        CheckYuNet(cls, obj, indices, scores);
        int n = cls.Length;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
            return YuNet256(cls, obj, threshold, indices, scores);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
            return YuNet128(cls, obj, threshold, indices, scores);
        return YuNetReference(cls, obj, threshold, indices, scores);
    }

    private static int YuNet256(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, float threshold,
        Span<int> indices, Span<float> scores)
    {
        ref float c = ref MemoryMarshal.GetReference(cls);
        ref float o = ref MemoryMarshal.GetReference(obj);
        var t = Vector256.Create(threshold);
        int n = cls.Length, count = 0;
        for (int i = 0; ; i += 8)
        {
            // The last vector overlaps the one before; its lanes below i were emitted already.
            int at = Math.Min(i, n - 8), skip = i - at;
            if (i == n) break;

            var score = Vector256.Sqrt(Clamp01(Vector256.LoadUnsafe(ref c, (nuint)at))
                * Clamp01(Vector256.LoadUnsafe(ref o, (nuint)at)));
            uint bits = Vector256.GreaterThanOrEqual(score, t).ExtractMostSignificantBits() & (0xFFu << skip);
            for (; bits != 0; bits &= bits - 1)
            {
                int lane = BitOperations.TrailingZeroCount(bits);
                indices[count] = at + lane;
                scores[count++] = score.GetElement(lane);
            }
            if (at != i) break;
        }
        return count;
    }

    private static int YuNet128(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, float threshold,
        Span<int> indices, Span<float> scores)
    {
        ref float c = ref MemoryMarshal.GetReference(cls);
        ref float o = ref MemoryMarshal.GetReference(obj);
        var t = Vector128.Create(threshold);
        int n = cls.Length, count = 0;
        for (int i = 0; ; i += 4)
        {
            int at = Math.Min(i, n - 4), skip = i - at;
            if (i == n) break;

            var score = Vector128.Sqrt(Clamp01(Vector128.LoadUnsafe(ref c, (nuint)at))
                * Clamp01(Vector128.LoadUnsafe(ref o, (nuint)at)));
            uint bits = Vector128.GreaterThanOrEqual(score, t).ExtractMostSignificantBits() & (0xFu << skip);
            for (; bits != 0; bits &= bits - 1)
            {
                int lane = BitOperations.TrailingZeroCount(bits);
                indices[count] = at + lane;
                scores[count++] = score.GetElement(lane);
            }
            if (at != i) break;
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Clamp01(Vector256<float> x)
    {
        var low = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(low, Vector256<float>.One), Vector256<float>.One, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Clamp01(Vector128<float> x)
    {
        var low = Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(low, Vector128<float>.One), Vector128<float>.One, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Emit(uint bits, int baseIndex, Span<int> indices, int count)
    {
        while (bits != 0)
        {
            indices[count++] = baseIndex + BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
        }
        return count;
    }

    private static void CheckCapacity(int length, int capacity)
    {
        if (capacity < length)
            throw new ArgumentException($"index buffer holds {capacity}, the score map {length}", nameof(capacity));
    }

    private static void CheckYuNet(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, Span<int> indices,
        Span<float> scores)
    {
        if (cls.Length != obj.Length)
            throw new ArgumentException($"cls ({cls.Length}) and obj ({obj.Length}) maps differ in length");
        CheckCapacity(cls.Length, Math.Min(indices.Length, scores.Length));
    }
}
