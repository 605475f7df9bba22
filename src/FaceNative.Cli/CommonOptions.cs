using System.CommandLine;
using FaceNative.Detection;
using FaceNative.Models;

namespace FaceNative.Cli;

/// <summary>Flags every engine-using command shares, and their translation to EngineOptions.</summary>
internal sealed class CommonOptions
{
    public readonly Option<string?> Models = new("--models")
    {
        Description = "Folder holding the model files (else $FACENATIVE_MODELS, else the install's " +
            "models folder, dist/models, else ~/.cache/facenative/models)",
        Recursive = true,
    };

    public readonly Option<string> Pack = new("--pack")
    {
        Description = "Model pack: a built-in name (see 'models list') or a .pack file",
        DefaultValueFactory = _ => "default",
        Recursive = true,
    };

    public readonly Option<int> Threads = new("--threads")
    {
        Description = "ONNX Runtime threads per model (0 = its default)",
        Recursive = true,
    };

    public readonly Option<string?> DetSize = new("--det-size")
    {
        Description = "Detector input size, 'WxH' or 'N' (default: the pack's)",
        Recursive = true,
    };

    public readonly Option<float?> DetThresh = new("--det-thresh")
    {
        Description = "Detector score threshold (default: the pack's)",
        Recursive = true,
    };

    public readonly Option<int> MaxFaces = new("--max-faces")
    {
        Description = "Keep at most this many faces per image, best first (0 = all)",
        Recursive = true,
    };

    public readonly Option<float> MinFaceSize = new("--min-face-size")
    {
        Description = "Ignore faces whose shorter box side is below this many pixels",
        Recursive = true,
    };

    public readonly Option<bool> Largest = new("--largest")
    {
        Description = "Take the largest face of an image rather than the highest-scoring one",
        Recursive = true,
    };

    public readonly Option<string> Provider = new("--provider")
    {
        Description = "Execution provider: cpu or cuda (cuda falls back to cpu with a warning)",
        DefaultValueFactory = _ => "cpu",
        Recursive = true,
    };

    public CommonOptions()
    {
        // Bad flag values are usage errors (exit 1), caught by the parser before any model loads.
        Provider.AcceptOnlyFromAmong("cpu", "cuda");
        DetSize.Validators.Add(result =>
        {
            string? text = result.GetValueOrDefault<string?>();
            if (text is null) return;
            try
            {
                EngineOptions.ParseDetectorSize(text);
            }
            catch (FaceException e)
            {
                result.AddError(e.Message);
            }
        });
    }

    public void AddTo(Command root)
    {
        Option[] all = [Models, Pack, Threads, DetSize, DetThresh, MaxFaces, MinFaceSize, Largest, Provider];
        foreach (Option o in all)
            root.Options.Add(o);
    }

    public EngineOptions ToEngineOptions(ParseResult parse)
    {
        var options = new EngineOptions
        {
            ModelsDirectory = parse.GetValue(Models),
            Pack = parse.GetValue(Pack) ?? "default",
            Threads = parse.GetValue(Threads),
            DetectorThreshold = parse.GetValue(DetThresh),
            MaxFaces = Math.Max(0, parse.GetValue(MaxFaces)),
            MinFaceSize = Math.Max(0, parse.GetValue(MinFaceSize)),
            Selection = parse.GetValue(Largest) ? FaceSelection.LargestArea : FaceSelection.HighestScore,
            Provider = parse.GetValue(Provider)?.ToLowerInvariant() switch
            {
                "cuda" => ExecutionProvider.Cuda,
                "cpu" or null => ExecutionProvider.Cpu,
                var other => throw new FaceException(FaceErrorKind.InvalidArgument,
                    $"unknown provider '{other}' (cpu, cuda)"),
            },
        };
        string? size = parse.GetValue(DetSize);
        if (size is not null)
        {
            (int w, int h) = EngineOptions.ParseDetectorSize(size);
            options = options with { DetectorWidth = w, DetectorHeight = h };
        }
        return options;
    }
}
