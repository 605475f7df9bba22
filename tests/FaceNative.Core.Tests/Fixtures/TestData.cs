using Xunit.Sdk;

namespace FaceNative.Tests.Fixtures;

/// <summary>Where the shared models and photos are. A missing file fails the test with a
/// message saying where it was looked for; nothing here skips silently.</summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string ModelsDir =>
        Environment.GetEnvironmentVariable("FACENATIVE_MODELS") is { Length: > 0 } env
            ? env
            : Path.Combine(SharedDir, "models");

    public static string FacesDir => Path.Combine(SharedDir, "faces");

    public static string Model(string file) => Require(Path.Combine(ModelsDir, file),
        "model", "set FACENATIVE_MODELS or put shared/models beside the repository");

    public static string Face(string relative) => Require(Path.Combine(FacesDir, relative),
        "photo", "put shared/faces beside the repository");

    public static byte[] FaceBytes(string relative) => File.ReadAllBytes(Face(relative));

    private static string Require(string path, string what, string hint)
    {
        if (!File.Exists(path))
            throw new XunitException($"test {what} missing: {path} ({hint})");
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceNative.sln")))
                return dir.FullName;
        throw new InvalidOperationException("FaceNative.sln not found above " + AppContext.BaseDirectory);
    }
}
