using FaceNative.Detection;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Models;

namespace FaceNative.Recognition;

/// <summary>
/// Embeds aligned faces. Formats: "arcface" (InsightFace w600k_*, glintr100: RGB,
/// (x − 127.5)/127.5) and "faceplugin" (RGB, (x − 127)/128). Embeddings are L2-normalised.
/// </summary>
public sealed class FaceRecognizer : IDisposable
{
    private readonly ChannelNorm _norm;
    private readonly bool _canBatch;

    public FaceRecognizer(OnnxModel model, string format)
    {
        Model = model;
        Format = format.ToLowerInvariant();
        _norm = Format switch
        {
            "arcface" => ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 127.5f),
            "faceplugin" => ChannelNorm.Uniform(ChannelOrder.Rgb, 127f, 1f / 128f),
            _ => throw new FaceException(FaceErrorKind.Model,
                $"unknown recognizer format '{format}' (arcface, faceplugin)"),
        };

        int[] dims = model.InputDimensions;
        if (dims.Length != 4 || dims[2] <= 0 || dims[2] != dims[3] || dims[2] % 112 != 0)
            throw new FaceException(FaceErrorKind.Model,
                $"{model.FileName} does not look like a recognizer: input shape [{string.Join(",", dims)}]");
        InputSize = dims[2];
        _canBatch = dims[0] <= 0 && !model.UsesDynamicQuantization;
    }

    public OnnxModel Model { get; }

    public string Format { get; }

    public int InputSize { get; }

    /// <summary>One L2-normalised embedding per face, in the order given.</summary>
    public float[][] Embed(BgrImage image, IReadOnlyList<DetectedFace> faces)
    {
        var result = new float[faces.Count][];
        int batch = _canBatch ? Math.Min(Math.Max(faces.Count, 1), 16) : 1;
        int faceLength = 3 * InputSize * InputSize;

        for (int start = 0; start < faces.Count; start += batch)
        {
            int count = Math.Min(batch, faces.Count - start);
            float[] buffer = OnnxModel.RentBuffer(count * faceLength);
            try
            {
                for (int i = 0; i < count; i++)
                    FaceAligner.AlignToTensor(image, faces[start + i].Landmarks, InputSize, _norm,
                        buffer.AsSpan(i * faceLength, faceLength));

                using var outputs = Model.Run(buffer.AsMemory(0, count * faceLength), [count, 3, InputSize, InputSize]);
                ReadOnlySpan<float> flat = outputs[0].GetTensorDataAsSpan<float>();
                int dim = flat.Length / count;
                for (int i = 0; i < count; i++)
                {
                    float[] embedding = flat.Slice(i * dim, dim).ToArray();
                    if (!Cosine.TryNormalize(embedding))
                        throw new FaceException(FaceErrorKind.Model,
                            $"{Model.FileName} produced a zero or non-finite embedding");
                    result[start + i] = embedding;
                }
            }
            finally
            {
                OnnxModel.ReturnBuffer(buffer);
            }
        }
        return result;
    }

    public void Dispose() => Model.Dispose();
}
