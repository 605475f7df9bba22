using FaceNative.Geometry;
using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Tests.Kernels;

public class NmsMathTests
{
    [Fact]
    public void Suppress_OverlapAboveThreshold_KeepsHigherScore()
    {
        // Two 10×10 boxes offset by 2: intersection 8×10 = 80, union 120, IoU 0.667.
        FaceBox[] boxes = [new(0, 0, 10, 10), new(2, 0, 12, 10)];
        float[] scores = [0.6f, 0.9f];

        int[] keep = Nms.SuppressReference(boxes, scores, 0.4f, BoxAreaConvention.Continuous);

        Assert.Equal([1], keep);
    }

    [Fact]
    public void Suppress_OverlapBelowThreshold_KeepsBothInScoreOrder()
    {
        FaceBox[] boxes = [new(0, 0, 10, 10), new(2, 0, 12, 10)];
        float[] scores = [0.6f, 0.9f];

        int[] keep = Nms.SuppressReference(boxes, scores, 0.7f, BoxAreaConvention.Continuous);

        Assert.Equal([1, 0], keep);
    }

    [Fact]
    public void Suppress_InclusivePixels_CountsTheExtraPixel()
    {
        // Boxes [0,4] and [4,8] (1-D extent in x, 0..0 in y): continuous IoU 0 (they touch);
        // inclusive pixels: 1 shared column of 5, union 9 → 1/9 = 0.11.
        FaceBox[] boxes = [new(0, 0, 4, 0), new(4, 0, 8, 0)];
        float[] scores = [0.9f, 0.8f];

        Assert.Equal(2, Nms.SuppressReference(boxes, scores, 0.1f, BoxAreaConvention.Continuous).Length);
        Assert.Single(Nms.SuppressReference(boxes, scores, 0.1f, BoxAreaConvention.InclusivePixels));
        Assert.Equal(2, Nms.SuppressReference(boxes, scores, 0.12f, BoxAreaConvention.InclusivePixels).Length);
    }

    [Fact]
    public void Suppress_Chain_SuppressedBoxDoesNotSuppressOthers()
    {
        // A overlaps B, B overlaps C, A does not overlap C: greedy NMS keeps A and C.
        FaceBox[] boxes = [new(0, 0, 10, 10), new(5, 0, 15, 10), new(10.5f, 0, 20.5f, 10)];
        float[] scores = [0.9f, 0.8f, 0.7f];

        int[] keep = Nms.SuppressReference(boxes, scores, 0.3f, BoxAreaConvention.Continuous);

        Assert.Equal([0, 2], keep);
    }

    [Fact]
    public void Suppress_MaxKeep_StopsEarly()
    {
        FaceBox[] boxes = [new(0, 0, 1, 1), new(10, 10, 11, 11), new(20, 20, 21, 21)];
        float[] scores = [0.5f, 0.7f, 0.6f];

        Assert.Equal([1, 2], Nms.SuppressReference(boxes, scores, 0.4f, BoxAreaConvention.Continuous, maxKeep: 2));
    }

    [Fact]
    public void Suppress_NaNScore_SortsLast_EmptyInput_Empty()
    {
        FaceBox[] boxes = [new(0, 0, 1, 1), new(10, 10, 11, 11)];
        float[] scores = [float.NaN, 0.1f];

        Assert.Equal([1, 0], Nms.SuppressReference(boxes, scores, 0.4f, BoxAreaConvention.Continuous));
        Assert.Empty(Nms.SuppressReference([], [], 0.4f, BoxAreaConvention.Continuous));
    }
}
