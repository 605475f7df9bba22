using FaceNative.Geometry;
using FaceNative.Kernels;
using FaceNative.Models;
using Microsoft.ML.OnnxRuntime;

namespace FaceNative.Detection;

/// <summary>
/// YuNet (libfacedetection 2023mar, fixed 640 or dynamic size): one anchor per cell on strides
/// 8/16/32, outputs cls/obj/bbox/kps per stride, decoded as OpenCV's FaceDetectorYN does.
/// </summary>
public sealed class YuNetDetector : FaceDetector
{
    private static readonly int[] s_strides = [8, 16, 32];

    public YuNetDetector(OnnxModel model) : base(model)
    {
        foreach (int s in s_strides)
            foreach (string kind in new[] { "cls", "obj", "bbox", "kps" })
                if (!model.OutputNames.Contains($"{kind}_{s}"))
                    throw new FaceException(FaceErrorKind.Model,
                        $"{model.FileName}: YuNet output '{kind}_{s}' is missing");
    }

    // YuNet was trained on BGR pixels in 0..255 with no normalisation.
    protected override ChannelNorm InputNorm { get; } = ChannelNorm.Uniform(ChannelOrder.Bgr, 0f, 1f);

    protected override BoxAreaConvention AreaConvention => BoxAreaConvention.Continuous;

    private protected override Candidates Decode(IReadOnlyList<OrtValue> outputs, int inputWidth,
        int inputHeight, float scoreThreshold)
    {
        var candidates = new Candidates();
        foreach (int stride in s_strides)
            DecodeStride(Output(outputs, "cls", stride), Output(outputs, "obj", stride),
                Output(outputs, "bbox", stride), Output(outputs, "kps", stride), stride, inputWidth / stride,
                scoreThreshold, candidates);
        return candidates;
    }

    /// <summary>
    /// Decodes one stride. Cell i is (col, row) = (i % cols, i / cols); score is
    /// sqrt(cls·obj) with both clamped to 0..1; the box centre is offset from the cell corner
    /// and its size exponential, both in units of the stride.
    /// </summary>
    internal static void DecodeStride(ReadOnlySpan<float> cls, ReadOnlySpan<float> obj, ReadOnlySpan<float> bbox,
        ReadOnlySpan<float> points, int stride, int cols, float scoreThreshold, Candidates candidates)
    {
        Span<float> kps = stackalloc float[10];

        // Scores and the threshold test in one vector pass, decode only the survivors.
        int[] survivors = System.Buffers.ArrayPool<int>.Shared.Rent(cls.Length);
        float[] survivorScores = System.Buffers.ArrayPool<float>.Shared.Rent(cls.Length);
        int count = ScoreFilter.YuNet(cls, obj, scoreThreshold, survivors, survivorScores);
        for (int n = 0; n < count; n++)
        {
            int i = survivors[n];
            float score = survivorScores[n];
            float col = i % cols, row = i / cols;
            float cx = (col + bbox[i * 4]) * stride, cy = (row + bbox[i * 4 + 1]) * stride;
            float w = MathF.Exp(bbox[i * 4 + 2]) * stride, h = MathF.Exp(bbox[i * 4 + 3]) * stride;
            for (int k = 0; k < 5; k++)
            {
                kps[2 * k] = (col + points[i * 10 + 2 * k]) * stride;
                kps[2 * k + 1] = (row + points[i * 10 + 2 * k + 1]) * stride;
            }
            candidates.Add(new FaceBox(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score, kps);
        }
        System.Buffers.ArrayPool<int>.Shared.Return(survivors);
        System.Buffers.ArrayPool<float>.Shared.Return(survivorScores);
    }

    private ReadOnlySpan<float> Output(IReadOnlyList<OrtValue> outputs, string kind, int stride)
    {
        int index = Model.OutputIndex($"{kind}_{stride}");
        return outputs[index].GetTensorDataAsSpan<float>();
    }
}
