namespace FaceNative.Grpc.Tests;

/// <summary>Where the repository, the models and the shared photos are. A missing model folder
/// or photo fails the test with the path it expected: these tests never skip.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ProtoFile => Path.Combine(RepoRoot, "src", "FaceNative.Grpc", "Protos", "backend.proto");

    public static string ModelsDirectory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("FACENATIVE_MODELS");
            string dir = string.IsNullOrWhiteSpace(env)
                ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "models"))
                : Path.GetFullPath(env);
            foreach (string file in RequiredModels)
            {
                if (!File.Exists(Path.Combine(dir, file)))
                    throw new InvalidOperationException(
                        $"model '{file}' not found in {dir}: set FACENATIVE_MODELS to the shared models folder");
            }
            return dir;
        }
    }

    /// <summary>The default pack's files, which these tests load.</summary>
    public static readonly string[] RequiredModels =
    [
        "scrfd_2.5g_kps.onnx", "w600k_mbf_uint8_dynamic.onnx", "MiniFASNetV2.onnx", "MiniFASNetV1SE.onnx",
        "faceplugin_fr_age.onnx", "faceplugin_fr_gender.onnx",
    ];

    public static string FacesDirectory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("FACENATIVE_FACES");
            return string.IsNullOrWhiteSpace(env)
                ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "faces"))
                : Path.GetFullPath(env);
        }
    }

    public static byte[] Photo(string relative)
    {
        string path = Path.Combine(FacesDirectory, relative);
        if (!File.Exists(path))
            throw new InvalidOperationException($"test photo not found: {path} (set FACENATIVE_FACES)");
        return File.ReadAllBytes(path);
    }

    public static string PhotoBase64(string relative) => Convert.ToBase64String(Photo(relative));

    private static string FindRepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "FaceNative.sln"))) return dir;
        }
        throw new InvalidOperationException($"no FaceNative.sln above {AppContext.BaseDirectory}");
    }
}
