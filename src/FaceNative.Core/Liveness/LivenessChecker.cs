using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Models;

namespace FaceNative.Liveness;

/// <summary>Liveness verdict: RealScore is the averaged probability of the "real" class.</summary>
public readonly record struct LivenessResult(bool IsReal, float RealScore);

/// <summary>
/// Silent-Face-Anti-Spoofing MiniFASNet models (V2 at crop scale 2.7, V1SE at 4.0): each sees
/// an 80×80 BGR crop in raw 0..255; their softmaxes are averaged; class 1 is "real".
/// </summary>
public sealed class LivenessChecker : IDisposable
{
    private const int Size = 80;
    private static readonly ChannelNorm s_norm = ChannelNorm.Uniform(ChannelOrder.Bgr, 0f, 1f);
    private readonly (OnnxModel Model, float Scale)[] _models;

    public LivenessChecker(IReadOnlyList<(OnnxModel Model, float Scale)> models, float threshold = 0.5f)
    {
        if (models.Count == 0)
            throw new FaceException(FaceErrorKind.NoLivenessModel, "no liveness model given");
        _models = models.ToArray();
        Threshold = threshold;
    }

    public float Threshold { get; }

    public LivenessResult Check(BgrImage image, FaceBox box)
    {
        Span<double> mean = stackalloc double[3];
        var tensor = new float[3 * Size * Size];

        foreach (var (model, scale) in _models)
        {
            CropRect crop = CropResize.ScaledFaceCrop(image.Width, image.Height, box.X1, box.Y1, box.Width,
                box.Height, scale);
            CropResize.ToNchw(image, crop, Size, Size, s_norm, tensor);
            using var outputs = model.Run(tensor, [1, 3, Size, Size]);
            ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
            if (logits.Length != 3)
                throw new FaceException(FaceErrorKind.Model,
                    $"{model.FileName}: expected 3 logits, got {logits.Length}");
            AddSoftmax(logits, mean, 1.0 / _models.Length);
        }

        if (!double.IsFinite(mean[0] + mean[1] + mean[2]))
            throw new FaceException(FaceErrorKind.Model, "liveness model produced non-finite scores");
        float real = (float)mean[1];
        bool realIsArgmax = mean[1] >= mean[0] && mean[1] >= mean[2];
        return new LivenessResult(realIsArgmax && real >= Threshold, real);
    }

    private static void AddSoftmax(ReadOnlySpan<float> logits, Span<double> sum, double weight)
    {
        double max = Math.Max(logits[0], Math.Max(logits[1], logits[2]));
        double e0 = Math.Exp(logits[0] - max), e1 = Math.Exp(logits[1] - max), e2 = Math.Exp(logits[2] - max);
        double total = e0 + e1 + e2;
        sum[0] += weight * e0 / total;
        sum[1] += weight * e1 / total;
        sum[2] += weight * e2 / total;
    }

    public void Dispose()
    {
        foreach (var (model, _) in _models) model.Dispose();
    }
}
