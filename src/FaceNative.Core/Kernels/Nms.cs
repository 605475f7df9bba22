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
