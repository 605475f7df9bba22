using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Models;
using Microsoft.ML.OnnxRuntime;

namespace FaceNative.Detection;

/// <summary>Detector output before NMS, in detector-input pixels.</summary>
internal sealed class Candidates
{
    public readonly List<FaceBox> Boxes = new();
    public readonly List<float> Scores = new();
    public readonly List<float> Landmarks = new();

    public void Add(FaceBox box, float score, ReadOnlySpan<float> landmarks)
    {
        Boxes.Add(box);
        Scores.Add(score);
        foreach (float v in landmarks) Landmarks.Add(v);
    }
}

/// <summary>
/// The part every single-stage 5-landmark detector shares: letterbox the image into the model
/// input, run it, let the subclass decode candidates, then NMS and map back to the image.
/// </summary>
public abstract class FaceDetector : IDisposable
{
    protected FaceDetector(OnnxModel model)
    {
        Model = model;
        int[] dims = model.InputDimensions;
        if (dims.Length != 4 || (dims[1] != 3 && dims[1] != -1))
            throw new FaceException(FaceErrorKind.Model,
                $"{model.FileName} does not look like a detector: input shape [{string.Join(",", dims)}]");
        FixedInputHeight = dims[2] > 0 ? dims[2] : null;
        FixedInputWidth = dims[3] > 0 ? dims[3] : null;
    }

    public OnnxModel Model { get; }

    public int? FixedInputWidth { get; }

    public int? FixedInputHeight { get; }

    protected abstract ChannelNorm InputNorm { get; }

    protected abstract BoxAreaConvention AreaConvention { get; }

    public static FaceDetector Create(string format, OnnxModel model) => format.ToLowerInvariant() switch
    {
        "scrfd" => new ScrfdDetector(model),
        "yunet" => new YuNetDetector(model),
        _ => throw new FaceException(FaceErrorKind.Model, $"unknown detector format '{format}' (scrfd, yunet)"),
    };

    /// <param name="fill">Fraction of the input the image may fill (1 = letterbox as usual; less
    /// centres a smaller copy with black around it, for faces that fill the whole frame).</param>
    public IReadOnlyList<DetectedFace> Detect(BgrImage image, DetectorOptions options, float fill = 1f)
    {
        int inputWidth = FixedInputWidth ?? RoundUpTo32(options.InputWidth);
        int inputHeight = FixedInputHeight ?? RoundUpTo32(options.InputHeight);
        var layout = LetterboxLayout.Fit(image.Width, image.Height, inputWidth, inputHeight);
        if (fill < 1f) layout = layout.Shrunk(fill);

        // Prepare the input tensor in one pass over the image.
        int length = 3 * inputWidth * inputHeight;
        float[] buffer = OnnxModel.RentBuffer(length);
        Candidates candidates;
        try
        {
            Letterbox.ToNchw(image, layout, InputNorm, buffer);
            using var outputs = Model.Run(buffer.AsMemory(0, length), [1, 3, inputHeight, inputWidth]);
            candidates = Decode(outputs, inputWidth, inputHeight, options.ScoreThreshold);
        }
        finally
        {
            OnnxModel.ReturnBuffer(buffer);
        }

        // Suppress overlaps, then map survivors back to original pixels.
        int[] keep = Nms.Suppress(
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates.Boxes),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates.Scores),
            options.NmsThreshold, AreaConvention);
        var faces = new List<DetectedFace>(keep.Length);
        float inv = 1f / layout.Scale;
        foreach (int i in keep)
        {
            FaceBox b = candidates.Boxes[i];
            float ox = layout.OffsetX, oy = layout.OffsetY;
            var box = new FaceBox((b.X1 - ox) * inv, (b.Y1 - oy) * inv, (b.X2 - ox) * inv, (b.Y2 - oy) * inv);
            if (MathF.Min(box.Width, box.Height) < options.MinFaceSize) continue;

            var landmarks = new PointF[5];
            for (int k = 0; k < 5; k++)
                landmarks[k] = new PointF((candidates.Landmarks[i * 10 + 2 * k] - ox) * inv,
                    (candidates.Landmarks[i * 10 + 2 * k + 1] - oy) * inv);
            faces.Add(new DetectedFace(box, candidates.Scores[i], landmarks));
            if (options.MaxFaces > 0 && faces.Count == options.MaxFaces) break;
        }
        return faces;
    }

    /// <summary>Turns raw outputs into candidates with score ≥ threshold, in input pixels.</summary>
    private protected abstract Candidates Decode(IReadOnlyList<OrtValue> outputs, int inputWidth,
        int inputHeight, float scoreThreshold);

    public void Dispose() => Model.Dispose();

    private static int RoundUpTo32(int size)
    {
        if (size <= 0 || size > 4096)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"detector input size {size} is out of range (1..4096)");
        return (size + 31) / 32 * 32;
    }
}
