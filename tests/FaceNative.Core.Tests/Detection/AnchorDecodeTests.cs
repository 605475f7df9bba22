using FaceNative.Detection;
using Xunit;

namespace FaceNative.Tests.Detection;

public class AnchorDecodeTests
{
    [Fact]
    public void Scrfd_DecodeStride_HandComputed()
    {
        // Stride 16, 3 columns, 2 anchors per cell: row 7 is cell 3 = (col 0, row 1), whose
        // anchor centre is (0, 16). Distances (1, 2, 3, 4)·16 give box (−16, −16, 48, 80).
        const int rows = 12;
        var scores = new float[rows];
        var boxes = new float[rows * 4];
        var points = new float[rows * 10];
        scores[7] = 0.8f;
        new float[] { 1, 2, 3, 4 }.CopyTo(boxes, 7 * 4);
        for (int k = 0; k < 10; k++) points[7 * 10 + k] = k * 0.5f;
        scores[2] = 0.49f; // below the threshold

        var candidates = new Candidates();
        ScrfdDetector.DecodeStride(scores, boxes, points, 16, 3, 2, 0.5f, candidates);

        Assert.Single(candidates.Boxes);
        Assert.Equal(new FaceNative.Geometry.FaceBox(-16, -16, 48, 80), candidates.Boxes[0]);
        Assert.Equal(0.8f, candidates.Scores[0]);
        // Keypoint k = centre + offset·stride: x_k = 0 + (2k·0.5)·16, y_k = 16 + (2k+1)·0.5·16.
        Assert.Equal(0f, candidates.Landmarks[0]);
        Assert.Equal(24f, candidates.Landmarks[1]);
        Assert.Equal(16f, candidates.Landmarks[2]);
        Assert.Equal(16f + 9 * 0.5f * 16, candidates.Landmarks[9]);
    }

    [Fact]
    public void YuNet_DecodeStride_HandComputed()
    {
        // Stride 8, 4 columns: cell 5 = (col 1, row 1). Score sqrt(0.81·1) = 0.9. Centre
        // ((1 + 0.5)·8, (1 + 0.25)·8) = (12, 10), size e^0·8 = 8 → box (8, 6, 16, 14).
        var cls = new float[8];
        var obj = new float[8];
        var bbox = new float[8 * 4];
        var kps = new float[8 * 10];
        cls[5] = 0.81f; obj[5] = 1.5f; // obj clamps to 1
        bbox[5 * 4] = 0.5f; bbox[5 * 4 + 1] = 0.25f;
        kps[5 * 10] = 0.5f; kps[5 * 10 + 1] = -0.5f;
        cls[6] = 0.81f; obj[6] = 0.2f; // sqrt(0.162) = 0.40 < threshold

        var candidates = new Candidates();
        YuNetDetector.DecodeStride(cls, obj, bbox, kps, 8, 4, 0.6f, candidates);

        Assert.Single(candidates.Boxes);
        Assert.Equal(0.9f, candidates.Scores[0], 5);
        Assert.Equal(new FaceNative.Geometry.FaceBox(8, 6, 16, 14), candidates.Boxes[0]);
        Assert.Equal(12f, candidates.Landmarks[0]);
        Assert.Equal(4f, candidates.Landmarks[1]);
    }

    [Fact]
    public void Scrfd_NaNScores_AreNeverCandidates()
    {
        var scores = new[] { float.NaN, float.NaN };
        var candidates = new Candidates();

        ScrfdDetector.DecodeStride(scores, new float[8], new float[20], 8, 1, 2, 0.1f, candidates);

        Assert.Empty(candidates.Boxes);
    }
}
