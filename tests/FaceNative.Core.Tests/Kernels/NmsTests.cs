using FaceNative.Geometry;
using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>The vectorised NMS keeps exactly the reference's boxes, in the same order.</summary>
public class NmsTests
{
    /// <summary>Boxes jittered around a few centres, the way a detector's candidates cluster,
    /// with scores on a coarse grid so that ties occur.</summary>
    private static (FaceBox[] Boxes, float[] Scores) Candidates(Random rng, int count, int clusters)
    {
        var centres = Enumerable.Range(0, Math.Max(1, clusters))
            .Select(_ => (X: rng.NextSingle() * 600, Y: rng.NextSingle() * 600, S: 10 + rng.NextSingle() * 120))
            .ToArray();
        var boxes = new FaceBox[count];
        var scores = new float[count];
        for (int i = 0; i < count; i++)
        {
            var c = centres[rng.Next(centres.Length)];
            float s = c.S * (0.7f + 0.6f * rng.NextSingle());
            float x = c.X + (rng.NextSingle() - 0.5f) * s * 0.5f, y = c.Y + (rng.NextSingle() - 0.5f) * s * 0.5f;
            boxes[i] = new FaceBox(x, y, x + s, y + s * (0.8f + 0.4f * rng.NextSingle()));
            scores[i] = MathF.Round(rng.NextSingle() * 20) / 20;
        }
        return (boxes, scores);
    }

    private static void AssertSame(FaceBox[] boxes, float[] scores, float threshold, BoxAreaConvention convention,
        int maxKeep, string context)
    {
        int[] expected = Nms.SuppressReference(boxes, scores, threshold, convention, maxKeep);
        int[] actual = Nms.Suppress(boxes, scores, threshold, convention, maxKeep);
        Assert.True(expected.SequenceEqual(actual),
            $"{context}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
    }

    [Fact]
    public void Nms_MatchesScalar_AllCounts()
    {
        var rng = new Random(21);
        foreach (int n in KernelAssert.Lengths.Concat([255, 256, 257, 1000]))
        {
            var (boxes, scores) = Candidates(rng, n, 1 + n / 10);
            foreach (var convention in new[] { BoxAreaConvention.Continuous, BoxAreaConvention.InclusivePixels })
                foreach (float threshold in new[] { 0f, 0.3f, 0.45f, 1f })
                    AssertSame(boxes, scores, threshold, convention, 0, $"n {n} {convention} iou {threshold}");
            AssertSame(boxes, scores, 0.4f, BoxAreaConvention.InclusivePixels, 3, $"n {n} maxKeep 3");
        }
    }

    [Fact]
    public void Nms_MatchesScalar_NaNInfAndDegenerateBoxes()
    {
        var rng = new Random(22);
        var (boxes, scores) = Candidates(rng, 40, 4);
        scores[3] = float.NaN;
        scores[7] = float.NegativeInfinity;
        scores[8] = float.PositiveInfinity;
        scores[9] = -0f;
        scores[10] = 0f;
        boxes[5] = new FaceBox(float.NaN, 0, 10, 10);
        boxes[6] = new FaceBox(5, 5, 5, 5);                    // empty
        boxes[11] = new FaceBox(20, 20, 10, 10);               // inverted
        boxes[12] = new FaceBox(float.NegativeInfinity, 0, float.PositiveInfinity, 1);
        boxes[13] = boxes[14];                                 // duplicate
        foreach (var convention in new[] { BoxAreaConvention.Continuous, BoxAreaConvention.InclusivePixels })
            foreach (float threshold in new[] { 0f, 0.4f, float.NaN })
                AssertSame(boxes, scores, threshold, convention, 0, $"{convention} iou {threshold}");
    }

    [Fact]
    public void Nms_EmptyAndMismatched()
    {
        Assert.Empty(Nms.Suppress([], [], 0.4f, BoxAreaConvention.Continuous));
        Assert.Throws<ArgumentException>(() =>
            Nms.Suppress([new FaceBox(0, 0, 1, 1)], [], 0.4f, BoxAreaConvention.Continuous));
    }

    [Fact]
    public void SortByScoreDescendingFast_MatchesReferenceOrder()
    {
        var rng = new Random(23);
        float[] special = [float.NaN, float.NegativeInfinity, float.PositiveInfinity, -0f, 0f, 1e-45f, -1e-45f,
            float.MaxValue, float.MinValue, 0.5f];
        foreach (int n in KernelAssert.Lengths)
        {
            var scores = Enumerable.Range(0, n)
                .Select(_ => rng.Next(3) == 0 ? special[rng.Next(special.Length)]
                    : MathF.Round(rng.NextSingle() * 8) / 8)
                .ToArray();
            Assert.Equal(Nms.SortByScoreDescending(scores), Nms.SortByScoreDescendingFast(scores));
        }
    }
}
