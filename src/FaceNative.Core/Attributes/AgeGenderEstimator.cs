using FaceNative.Detection;
using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Models;

namespace FaceNative.Attributes;

/// <summary>Estimated age in years and the probability (0..1) that the face is male.</summary>
public readonly record struct AgeGender(float Age, float MaleProbability)
{
    public bool IsMale => MaleProbability >= 0.5f;
}

public abstract class AgeGenderEstimator : IDisposable
{
    public abstract AgeGender Estimate(BgrImage image, DetectedFace face);

    public abstract void Dispose();
}

/// <summary>
/// The faceplugin SSR-Net style heads (separate age and gender models, 64×64). The origin's
/// code feeds RGB, but BGR was measured to be right far more often on labelled photos (see
/// README), so BGR is the default and the ImageNet statistics follow the colours.
/// </summary>
public sealed class SsrAgeGenderEstimator : AgeGenderEstimator
{
    private const int Size = 64;
    private const float CropScale = 1.4f;
    private static readonly string[] s_outputs =
    [
        "prob_stage_1", "prob_stage_2", "prob_stage_3",
        "stage1_delta_k", "stage2_delta_k", "stage3_delta_k",
        "index_offset_stage1", "index_offset_stage2", "index_offset_stage3",
    ];

    private readonly OnnxModel _age;
    private readonly OnnxModel _gender;
    private readonly ChannelNorm _norm;

    public SsrAgeGenderEstimator(OnnxModel age, OnnxModel gender, ChannelOrder order = ChannelOrder.Bgr)
    {
        _age = age;
        _gender = gender;
        Order = order;

        // pixel/255 then ImageNet mean/std, folded into one (pixel − mean) · scale per channel;
        // the statistics belong to colours, so they follow the tensor's channel order.
        (float Mean, float Std) red = (0.485f, 0.229f), green = (0.456f, 0.224f), blue = (0.406f, 0.225f);
        var (first, last) = order == ChannelOrder.Rgb ? (red, blue) : (blue, red);
        _norm = new ChannelNorm(order, 255 * first.Mean, 255 * green.Mean, 255 * last.Mean,
            1 / (255 * first.Std), 1 / (255 * green.Std), 1 / (255 * last.Std));
    }

    public ChannelOrder Order { get; }

    public override AgeGender Estimate(BgrImage image, DetectedFace face)
    {
        FaceBox box = face.Box;
        CropRect crop = CropResize.ScaledFaceCrop(image.Width, image.Height, box.X1, box.Y1, box.Width, box.Height,
            CropScale);
        var tensor = new float[3 * Size * Size];
        CropResize.ToNchw(image, crop, Size, Size, _norm, tensor);

        float age = Decode(_age, tensor) * 101f;
        float male = Decode(_gender, tensor);
        return new AgeGender(Math.Clamp(age, 0f, 120f), Math.Clamp(male, 0f, 1f));
    }

    /// <summary>Stage-wise soft regression: three stages of 3 bins, each refined by its
    /// offsets and shrunk by its delta_k. Returns a value in about 0..1.</summary>
    internal static float DecodeStages(ReadOnlySpan<float> x)
    {
        double k1 = 3 * (1 + x[9]), k2 = 3 * (1 + x[10]), k3 = 3 * (1 + x[11]);
        double a = 0, b = 0, c = 0;
        for (int i = 0; i < 3; i++)
        {
            a += (i + x[12 + i]) * x[i];
            b += (i + x[15 + i]) * x[3 + i];
            c += (i + x[18 + i]) * x[6 + i];
        }
        return (float)(a / k1 + b / (k1 * k2) + c / (k1 * k2 * k3));
    }

    private float Decode(OnnxModel model, float[] tensor)
    {
        Span<float> x = stackalloc float[21];
        int offset = 0;
        using var outputs = model.Run(tensor, [1, 3, Size, Size]);
        foreach (string name in s_outputs)
        {
            int index = model.OutputIndex(name);
            if (index < 0)
                throw new FaceException(FaceErrorKind.Model, $"{model.FileName} has no output '{name}'");
            ReadOnlySpan<float> values = outputs[index].GetTensorDataAsSpan<float>();
            values.CopyTo(x[offset..]);
            offset += values.Length;
        }
        float value = DecodeStages(x);
        if (!float.IsFinite(value))
            throw new FaceException(FaceErrorKind.Model, $"{model.FileName} produced a non-finite estimate");
        return value;
    }

    public override void Dispose()
    {
        _age.Dispose();
        _gender.Dispose();
    }
}

/// <summary>
/// InsightFace's genderage.onnx (buffalo packs): a square crop of 1.5× the box's longer side
/// centred on the box, resized to the model input (96), RGB unnormalised; outputs
/// [female score, male score, age / 100].
/// </summary>
public sealed class InsightFaceGenderAge : AgeGenderEstimator
{
    private static readonly ChannelNorm s_norm = ChannelNorm.Uniform(ChannelOrder.Rgb, 0f, 1f);
    private readonly OnnxModel _model;
    private readonly int _size;

    public InsightFaceGenderAge(OnnxModel model)
    {
        _model = model;
        int[] dims = model.InputDimensions;
        _size = dims.Length == 4 && dims[2] > 0 ? dims[2] : 96;
    }

    public override AgeGender Estimate(BgrImage image, DetectedFace face)
    {
        FaceBox box = face.Box;
        double scale = _size / (Math.Max(box.Width, box.Height) * 1.5);
        if (!double.IsFinite(scale) || scale <= 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, "face box is empty");

        // Image → crop: scale about the box centre, centre lands in the middle of the crop.
        var imageToCrop = new AffineMatrix(scale, 0, _size / 2.0 - box.CenterX * scale,
            0, scale, _size / 2.0 - box.CenterY * scale);
        var tensor = new float[3 * _size * _size];
        AffineWarp.WarpToNchw(image, imageToCrop.Invert(), _size, _size, s_norm, tensor);

        using var outputs = _model.Run(tensor, [1, 3, _size, _size]);
        ReadOnlySpan<float> pred = outputs[0].GetTensorDataAsSpan<float>();
        if (pred.Length < 3)
            throw new FaceException(FaceErrorKind.Model, $"{_model.FileName}: expected 3 outputs, got {pred.Length}");
        return Decode(pred);
    }

    /// <summary>Gender is the argmax of the first two scores; the male probability reported is
    /// their softmax so that it is 0..1 whatever scale the scores use.</summary>
    internal static AgeGender Decode(ReadOnlySpan<float> pred)
    {
        if (!float.IsFinite(pred[0]) || !float.IsFinite(pred[1]) || !float.IsFinite(pred[2]))
            throw new FaceException(FaceErrorKind.Model, "gender/age model produced a non-finite value");
        double m = Math.Max(pred[0], pred[1]);
        double e0 = Math.Exp(pred[0] - m), e1 = Math.Exp(pred[1] - m);
        return new AgeGender(MathF.Max(0, pred[2] * 100f), (float)(e1 / (e0 + e1)));
    }

    public override void Dispose() => _model.Dispose();
}
