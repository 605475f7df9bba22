using FaceNative.Detection;
using FaceNative.Kernels;
using FaceNative.Models;

namespace FaceNative;

/// <summary>
/// Everything <see cref="FaceEngine.Load"/> reads. Null means "the pack's default". Per-role
/// paths override the pack's file for that role (relative paths resolve like pack files).
/// </summary>
public sealed record EngineOptions
{
    public string? ModelsDirectory { get; init; }

    /// <summary>A built-in pack name (see <c>facenative models list</c>) or a .pack file.</summary>
    public string Pack { get; init; } = "default";

    public string? DetectorPath { get; init; }

    /// <summary>"scrfd" or "yunet"; guessed from the file name when only a path is given.</summary>
    public string? DetectorFormat { get; init; }

    public string? RecognizerPath { get; init; }

    /// <summary>"arcface" or "faceplugin"; guessed from the file name when only a path is given.</summary>
    public string? RecognizerFormat { get; init; }

    public string? AgePath { get; init; }

    public string? GenderPath { get; init; }

    public string? GenderAgePath { get; init; }

    public string? LivenessV2Path { get; init; }

    public string? LivenessV1SePath { get; init; }

    /// <summary>Skip the pack's optional models (attributes, liveness) for a lighter engine.</summary>
    public bool SkipOptionalModels { get; init; }

    public int? DetectorWidth { get; init; }

    public int? DetectorHeight { get; init; }

    public float? DetectorThreshold { get; init; }

    public float? NmsThreshold { get; init; }

    public int MaxFaces { get; init; }

    public float MinFaceSize { get; init; }

    public FaceSelection Selection { get; init; } = FaceSelection.HighestScore;

    /// <summary>Cosine-distance threshold for verify; null = the pack's calibrated value.</summary>
    public float? VerifyThreshold { get; init; }

    public float? AntiSpoofThreshold { get; init; }

    /// <summary>Channel order fed to the SSR age/gender heads (BGR measured best).</summary>
    public ChannelOrder AttributeChannelOrder { get; init; } = ChannelOrder.Bgr;

    public int Threads { get; init; }

    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    public long MaxPixels { get; init; } = Imaging.ImageLoader.DefaultMaxPixels;

    /// <summary>When a photo yields no face, look once more with it shrunk to half the
    /// detector input, which finds faces that fill the frame (ready-made crops).</summary>
    public bool RetryShrunkDetection { get; init; } = true;

    /// <summary>"WxH" or "N" (square).</summary>
    public static (int Width, int Height) ParseDetectorSize(string text)
    {
        string[] parts = text.ToLowerInvariant().Split('x', ',');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0].Trim(), out int w)
            && int.TryParse(parts[^1].Trim(), out int h)
            && w > 0 && h > 0 && w <= 4096 && h <= 4096)
            return (w, h);
        throw new FaceException(FaceErrorKind.InvalidArgument, $"detector size '{text}' is not 'WxH' or 'N' (1..4096)");
    }
}
