using FaceNative.Geometry;
using FaceNative.Kernels;
using FaceNative.Models;
using Microsoft.ML.OnnxRuntime;

namespace FaceNative.Detection;

/// <summary>
/// InsightFace SCRFD with keypoints (det_500m, det_2.5g, det_10g and their renamed exports):
/// per stride 8/16/32 a score map, box distances and keypoint offsets, two anchors per cell.
/// </summary>
public sealed class ScrfdDetector : FaceDetector
{
    private static readonly int[] s_strides = [8, 16, 32];

    public ScrfdDetector(OnnxModel model) : base(model)
    {
        if (model.OutputNames.Count != 9)
            throw new FaceException(FaceErrorKind.Model,
                $"{model.FileName}: SCRFD with keypoints has 9 outputs, this model has {model.OutputNames.Count}");
    }

    protected override ChannelNorm InputNorm { get; } = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 128f);

    protected override BoxAreaConvention AreaConvention => BoxAreaConvention.InclusivePixels;

    private protected override Candidates Decode(IReadOnlyList<OrtValue> outputs, int inputWidth,
        int inputHeight, float scoreThreshold)
    {
        var maps = IdentifyOutputs(outputs, inputWidth, inputHeight, out int anchors);
        var candidates = new Candidates();
        for (int si = 0; si < s_strides.Length; si++)
            DecodeStride(maps[si, 0].GetTensorDataAsSpan<float>(), maps[si, 1].GetTensorDataAsSpan<float>(),
                maps[si, 2].GetTensorDataAsSpan<float>(), s_strides[si], inputWidth / s_strides[si], anchors,
                scoreThreshold, candidates);
        return candidates;
    }

    /// <summary>
    /// Decodes one stride. Row i belongs to cell i / anchors (cells row-major); the anchor
    /// centre is the cell's top-left corner (col·stride, row·stride). Boxes are distances
    /// (left, top, right, bottom) from it and keypoints offsets, both in units of the stride.
    /// </summary>
    internal static void DecodeStride(ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes,
        ReadOnlySpan<float> points, int stride, int cols, int anchors, float scoreThreshold, Candidates candidates)
    {
        Span<float> kps = stackalloc float[10];

        // Find the few anchors over the threshold in one vector pass, decode only those.
        int[] survivors = System.Buffers.ArrayPool<int>.Shared.Rent(scores.Length);
        int count = ScoreFilter.AtLeast(scores, scoreThreshold, survivors);
        for (int n = 0; n < count; n++)
        {
            int i = survivors[n];
            int cell = i / anchors;
            float cx = cell % cols * stride, cy = cell / cols * stride;
            ReadOnlySpan<float> d = boxes.Slice(i * 4, 4);
            var box = new FaceBox(cx - d[0] * stride, cy - d[1] * stride, cx + d[2] * stride, cy + d[3] * stride);
            for (int k = 0; k < 5; k++)
            {
                kps[2 * k] = cx + points[i * 10 + 2 * k] * stride;
                kps[2 * k + 1] = cy + points[i * 10 + 2 * k + 1] * stride;
            }
            candidates.Add(box, scores[i], kps);
        }
        System.Buffers.ArrayPool<int>.Shared.Return(survivors);
    }

    /// <summary>
    /// Finds the score, box and keypoint map of each stride by shape (last dimension 1/4/10,
    /// row count = cells × anchors), since exports differ in output order and naming.
    /// </summary>
    private OrtValue[,] IdentifyOutputs(IReadOnlyList<OrtValue> outputs, int inputWidth, int inputHeight,
        out int anchors)
    {
        long cells8 = (long)(inputWidth / 8) * (inputHeight / 8);
        anchors = 0;
        foreach (OrtValue o in outputs)
        {
            (long rows, long last) = RowsAndWidth(o);
            if (last == 1 && rows > 0 && rows % cells8 == 0 && (rows / cells8 == 1 || rows / cells8 == 2))
                anchors = (int)(rows / cells8);
        }
        if (anchors == 0)
            throw new FaceException(FaceErrorKind.Model,
                $"{Model.FileName}: no stride-8 score map matches a {inputWidth}x{inputHeight} input");

        int anchorCount = anchors;
        var maps = new OrtValue[3, 3];
        foreach (OrtValue o in outputs)
        {
            (long rows, long last) = RowsAndWidth(o);
            int kind = last switch { 1 => 0, 4 => 1, 10 => 2, _ => -1 };
            int si = Array.FindIndex(s_strides, s => (long)(inputWidth / s) * (inputHeight / s) * anchorCount == rows);
            if (kind < 0 || si < 0 || maps[si, kind] is not null)
                throw new FaceException(FaceErrorKind.Model,
                    $"{Model.FileName}: unexpected output of shape [{rows},{last}] for SCRFD");
            maps[si, kind] = o;
        }
        foreach (OrtValue? map in maps)
            if (map is null)
                throw new FaceException(FaceErrorKind.Model, $"{Model.FileName}: SCRFD outputs are incomplete");
        return maps;
    }

    private static (long Rows, long Last) RowsAndWidth(OrtValue value)
    {
        long[] shape = value.GetTensorTypeAndShape().Shape;
        long last = shape.Length > 0 ? shape[^1] : 0;
        long rows = 1;
        for (int i = 0; i < shape.Length - 1; i++) rows *= shape[i];
        return (rows, last);
    }
}
