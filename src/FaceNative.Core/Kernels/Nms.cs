using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FaceNative.Geometry;

namespace FaceNative.Kernels;

/// <summary>How a box's area is counted: SCRFD's reference code treats corners as inclusive
/// pixel indices (+1 on each side); YuNet / OpenCV use plain continuous areas.</summary>
public enum BoxAreaConvention
{
    Continuous,
    InclusivePixels,
}

/// <summary>Greedy non-maximum suppression.</summary>
public static class Nms
{
    /// <summary>
    /// Scalar reference: visit boxes by descending score, keep one unless its IoU with an
    /// already kept box exceeds <paramref name="iouThreshold"/>. Returns kept indices in score
    /// order, at most <paramref name="maxKeep"/> of them (0 = no limit). Ties keep input order.
    /// </summary>
    public static int[] SuppressReference(ReadOnlySpan<FaceBox> boxes, ReadOnlySpan<float> scores,
        float iouThreshold, BoxAreaConvention convention, int maxKeep = 0)
    {
        if (boxes.Length != scores.Length)
            throw new ArgumentException("boxes and scores differ in length");

        int[] order = SortByScoreDescending(scores);
        float extra = convention == BoxAreaConvention.InclusivePixels ? 1f : 0f;
        var suppressed = new bool[boxes.Length];
        var keep = new List<int>();

        foreach (int i in order)
        {
            if (suppressed[i]) continue;
            keep.Add(i);
            if (maxKeep > 0 && keep.Count == maxKeep) break;

            FaceBox a = boxes[i];
            float areaA = (a.X2 - a.X1 + extra) * (a.Y2 - a.Y1 + extra);
            foreach (int j in order)
            {
                if (suppressed[j] || j == i) continue;
                FaceBox b = boxes[j];
                float iw = MathF.Max(0, MathF.Min(a.X2, b.X2) - MathF.Max(a.X1, b.X1) + extra);
                float ih = MathF.Max(0, MathF.Min(a.Y2, b.Y2) - MathF.Max(a.Y1, b.Y1) + extra);
                float inter = iw * ih;
                float areaB = (b.X2 - b.X1 + extra) * (b.Y2 - b.Y1 + extra);
                if (inter / (areaA + areaB - inter) > iouThreshold)
                    suppressed[j] = true;
            }
            suppressed[i] = true;
        }
        return keep.ToArray();
    }

    /// <summary>
    /// Vectorised NMS with the reference's result, index for index. Boxes are sorted once and
    /// laid out as separate coordinate arrays; each kept box is tested against every later box
    /// in one vector pass (16 lanes with AVX-512, 8 with AVX2, 4 with 128-bit vectors, else
    /// scalar), using the reference's float operations in its order, so the IoU and its
    /// comparison are the same.
    /// A box with a NaN coordinate has a NaN IoU with everything and suppresses nothing.
    /// </summary>
    public static int[] Suppress(ReadOnlySpan<FaceBox> boxes, ReadOnlySpan<float> scores,
        float iouThreshold, BoxAreaConvention convention, int maxKeep = 0)
    {
        if (boxes.Length != scores.Length)
            throw new ArgumentException("boxes and scores differ in length");
        int n = boxes.Length;
        if (n == 0) return [];

        // Sorted structure-of-arrays copy, padded to whole vectors with NaN boxes: a NaN IoU
        // never exceeds the threshold, so the last vector of each pass needs no mask.
        int[] order = SortByScoreDescendingFast(scores);
        int padded = (n + 15) & ~15;
        float extra = convention == BoxAreaConvention.InclusivePixels ? 1f : 0f;
        var x1 = new float[padded];
        var y1 = new float[padded];
        var x2 = new float[padded];
        var y2 = new float[padded];
        var area = new float[padded];
        for (int k = 0; k < n; k++)
        {
            FaceBox b = boxes[order[k]];
            (x1[k], y1[k], x2[k], y2[k]) = (b.X1, b.Y1, b.X2, b.Y2);
            area[k] = (b.X2 - b.X1 + extra) * (b.Y2 - b.Y1 + extra);
        }
        for (int k = n; k < padded; k++)
            x1[k] = y1[k] = x2[k] = y2[k] = area[k] = float.NaN;

        // Greedy pass in score order; the flags of boxes before the current one may be set
        // again by a vector that starts early, which is harmless: they are decided already.
        var suppressed = new int[padded];
        var keep = new List<int>();
        for (int k = 0; k < n; k++)
        {
            if (suppressed[k] != 0) continue;
            keep.Add(order[k]);
            if (maxKeep > 0 && keep.Count == maxKeep) break;

            // A kept box with a NaN coordinate has a NaN IoU with every box in the reference and
            // suppresses nothing; skipping it lets the passes use the native min/max below.
            var a = new FaceBox(x1[k], y1[k], x2[k], y2[k]);
            if (float.IsNaN(a.X1) || float.IsNaN(a.Y1) || float.IsNaN(a.X2) || float.IsNaN(a.Y2)) continue;
            if (Vector512.IsHardwareAccelerated)
                Pass512(a, area[k], extra, iouThreshold, x1, y1, x2, y2, area, suppressed, (k + 1) & ~15);
            else if (Avx2.IsSupported)
                Pass256(a, area[k], extra, iouThreshold, x1, y1, x2, y2, area, suppressed, (k + 1) & ~7);
            else if (Vector128.IsHardwareAccelerated)
                Pass128(a, area[k], extra, iouThreshold, x1, y1, x2, y2, area, suppressed, (k + 1) & ~3);
            else
                PassScalar(a, area[k], extra, iouThreshold, x1, y1, x2, y2, area, suppressed, k + 1, n);
        }
        return keep.ToArray();
    }

    /// <summary>
    /// IoU of box <paramref name="a"/> (no NaN) with boxes <paramref name="from"/>… and the
    /// threshold test, in the reference's operations and order. x86's native max/min return
    /// their second operand when either is NaN, so with the loaded coordinate second a NaN
    /// there (a NaN box, or the padding) still gives a NaN IoU, as MathF.Max/Min would; the
    /// two differ only in the sign of a zero, which cannot change the comparison.
    /// </summary>
    private static void Pass512(FaceBox a, float areaA, float extra, float threshold, float[] x1, float[] y1,
        float[] x2, float[] y2, float[] area, int[] suppressed, int from)
    {
        (var ax1, var ay1, var ax2, var ay2) = (Vector512.Create(a.X1), Vector512.Create(a.Y1),
            Vector512.Create(a.X2), Vector512.Create(a.Y2));
        (var va, var ve, var vt) = (Vector512.Create(areaA), Vector512.Create(extra), Vector512.Create(threshold));
        ref float rx1 = ref MemoryMarshal.GetArrayDataReference(x1);
        ref float ry1 = ref MemoryMarshal.GetArrayDataReference(y1);
        ref float rx2 = ref MemoryMarshal.GetArrayDataReference(x2);
        ref float ry2 = ref MemoryMarshal.GetArrayDataReference(y2);
        ref float rar = ref MemoryMarshal.GetArrayDataReference(area);
        ref int rs = ref MemoryMarshal.GetArrayDataReference(suppressed);

        for (int j = from; j < x1.Length; j += 16)
        {
            nuint at = (nuint)j;
            var iw = Avx512F.Max(Vector512<float>.Zero, Avx512F.Min(ax2, Vector512.LoadUnsafe(ref rx2, at))
                - Avx512F.Max(ax1, Vector512.LoadUnsafe(ref rx1, at)) + ve);
            var ih = Avx512F.Max(Vector512<float>.Zero, Avx512F.Min(ay2, Vector512.LoadUnsafe(ref ry2, at))
                - Avx512F.Max(ay1, Vector512.LoadUnsafe(ref ry1, at)) + ve);
            var inter = iw * ih;
            var iou = inter / (va + Vector512.LoadUnsafe(ref rar, at) - inter);
            var hit = Vector512.GreaterThan(iou, vt).AsInt32();
            (Vector512.LoadUnsafe(ref rs, at) | hit).StoreUnsafe(ref rs, at);
        }
    }

    private static void Pass256(FaceBox a, float areaA, float extra, float threshold, float[] x1, float[] y1,
        float[] x2, float[] y2, float[] area, int[] suppressed, int from)
    {
        (var ax1, var ay1, var ax2, var ay2) = (Vector256.Create(a.X1), Vector256.Create(a.Y1),
            Vector256.Create(a.X2), Vector256.Create(a.Y2));
        (var va, var ve, var vt) = (Vector256.Create(areaA), Vector256.Create(extra), Vector256.Create(threshold));
        ref float rx1 = ref MemoryMarshal.GetArrayDataReference(x1);
        ref float ry1 = ref MemoryMarshal.GetArrayDataReference(y1);
        ref float rx2 = ref MemoryMarshal.GetArrayDataReference(x2);
        ref float ry2 = ref MemoryMarshal.GetArrayDataReference(y2);
        ref float rar = ref MemoryMarshal.GetArrayDataReference(area);
        ref int rs = ref MemoryMarshal.GetArrayDataReference(suppressed);

        for (int j = from; j < x1.Length; j += 8)
        {
            nuint at = (nuint)j;
            var iw = Avx.Max(Vector256<float>.Zero, Avx.Min(ax2, Vector256.LoadUnsafe(ref rx2, at))
                - Avx.Max(ax1, Vector256.LoadUnsafe(ref rx1, at)) + ve);
            var ih = Avx.Max(Vector256<float>.Zero, Avx.Min(ay2, Vector256.LoadUnsafe(ref ry2, at))
                - Avx.Max(ay1, Vector256.LoadUnsafe(ref ry1, at)) + ve);
            var inter = iw * ih;
            var iou = inter / (va + Vector256.LoadUnsafe(ref rar, at) - inter);
            var hit = Vector256.GreaterThan(iou, vt).AsInt32();
            (Vector256.LoadUnsafe(ref rs, at) | hit).StoreUnsafe(ref rs, at);
        }
    }

    private static void Pass128(FaceBox a, float areaA, float extra, float threshold, float[] x1, float[] y1,
        float[] x2, float[] y2, float[] area, int[] suppressed, int from)
    {
        (var ax1, var ay1, var ax2, var ay2) = (Vector128.Create(a.X1), Vector128.Create(a.Y1),
            Vector128.Create(a.X2), Vector128.Create(a.Y2));
        (var va, var ve, var vt) = (Vector128.Create(areaA), Vector128.Create(extra), Vector128.Create(threshold));
        ref float rx1 = ref MemoryMarshal.GetArrayDataReference(x1);
        ref float ry1 = ref MemoryMarshal.GetArrayDataReference(y1);
        ref float rx2 = ref MemoryMarshal.GetArrayDataReference(x2);
        ref float ry2 = ref MemoryMarshal.GetArrayDataReference(y2);
        ref float rar = ref MemoryMarshal.GetArrayDataReference(area);
        ref int rs = ref MemoryMarshal.GetArrayDataReference(suppressed);

        for (int j = from; j < x1.Length; j += 4)
        {
            nuint at = (nuint)j;
            var iw = Vector128.Max(Vector128<float>.Zero, Vector128.Min(ax2, Vector128.LoadUnsafe(ref rx2, at))
                - Vector128.Max(ax1, Vector128.LoadUnsafe(ref rx1, at)) + ve);
            var ih = Vector128.Max(Vector128<float>.Zero, Vector128.Min(ay2, Vector128.LoadUnsafe(ref ry2, at))
                - Vector128.Max(ay1, Vector128.LoadUnsafe(ref ry1, at)) + ve);
            var inter = iw * ih;
            var iou = inter / (va + Vector128.LoadUnsafe(ref rar, at) - inter);
            var hit = Vector128.GreaterThan(iou, vt).AsInt32();
            (Vector128.LoadUnsafe(ref rs, at) | hit).StoreUnsafe(ref rs, at);
        }
    }

    private static void PassScalar(FaceBox a, float areaA, float extra, float threshold, float[] x1, float[] y1,
        float[] x2, float[] y2, float[] area, int[] suppressed, int from, int n)
    {
        for (int j = from; j < n; j++)
        {
            float iw = MathF.Max(0, MathF.Min(a.X2, x2[j]) - MathF.Max(a.X1, x1[j]) + extra);
            float ih = MathF.Max(0, MathF.Min(a.Y2, y2[j]) - MathF.Max(a.Y1, y1[j]) + extra);
            float inter = iw * ih;
            if (inter / (areaA + area[j] - inter) > threshold)
                suppressed[j] = -1;
        }
    }

    /// <summary>
    /// The order of <see cref="SortByScoreDescending"/> from one primitive sort: each key is the
    /// score's bits turned into an unsigned integer that sorts descending (NaN as −∞, −0 as +0,
    /// exactly the comparisons the reference makes) in the high half and the index in the low
    /// half, so equal scores keep input order without a stable sort.
    /// </summary>
    internal static int[] SortByScoreDescendingFast(ReadOnlySpan<float> scores)
    {
        var keys = new ulong[scores.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            float s = scores[i];
            if (float.IsNaN(s)) s = float.NegativeInfinity;
            if (s == 0) s = 0; // folds −0 into +0
            uint bits = BitConverter.SingleToUInt32Bits(s);
            uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            keys[i] = ((ulong)~ascending << 32) | (uint)i;
        }
        Array.Sort(keys);

        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++) order[i] = (int)(uint)keys[i];
        return order;
    }

    /// <summary>Indices ordered by descending score, stable; NaN scores sort last.</summary>
    internal static int[] SortByScoreDescending(ReadOnlySpan<float> scores)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        float[] keys = scores.ToArray();
        Array.Sort(order, (x, y) =>
        {
            float sx = float.IsNaN(keys[x]) ? float.NegativeInfinity : keys[x];
            float sy = float.IsNaN(keys[y]) ? float.NegativeInfinity : keys[y];
            int byScore = sy.CompareTo(sx);
            return byScore != 0 ? byScore : x.CompareTo(y);
        });
        return order;
    }
}
