using System.Security.Cryptography;

namespace FaceNative.Packs;

/// <summary>
/// Finds model files: an explicit folder first, then <c>$FACENATIVE_MODELS</c>, then the
/// installation's own <c>models</c> folder (beside the folder holding the program or library,
/// e.g. <c>dist/models</c> for <c>dist/bin/facenative</c>), then the per-user cache
/// (<c>$XDG_CACHE_HOME/facenative/models</c>, default ~/.cache/facenative/models).
/// </summary>
public sealed class ModelLocator
{
    public const string EnvironmentVariable = "FACENATIVE_MODELS";

    public ModelLocator(string? explicitDirectory)
    {
        var roots = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) roots.Add(Path.GetFullPath(explicitDirectory));
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) roots.Add(Path.GetFullPath(env));
        if (InstallDirectory is { } install) roots.Add(install);
        roots.Add(UserCacheDirectory);
        SearchRoots = roots.Distinct().ToArray();
    }

    public IReadOnlyList<string> SearchRoots { get; }

    /// <summary>
    /// <c>models</c> beside the folder of the running binary (<c>dist/bin/../models</c>), so an
    /// installation can carry its models; null when the binary's folder is unknown. A host whose
    /// binary is not the process's executable (the shared library) sets it from its own path.
    /// </summary>
    public static string? InstallDirectory { get; set; } = ModelsBeside(AppContext.BaseDirectory);

    /// <summary><c>DIR/../models</c> for a binary in DIR, or null for an empty DIR.</summary>
    public static string? ModelsBeside(string? binaryDirectory) =>
        string.IsNullOrEmpty(binaryDirectory)
            ? null
            : Path.GetFullPath(Path.Combine(binaryDirectory, "..", "models"));

    public static string UserCacheDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string cacheRoot = !string.IsNullOrEmpty(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cacheRoot, "facenative", "models");
        }
    }

    /// <summary>The first existing file for <paramref name="relativeOrAbsolute"/>, or null.</summary>
    public string? TryFind(string relativeOrAbsolute)
    {
        if (Path.IsPathRooted(relativeOrAbsolute))
            return File.Exists(relativeOrAbsolute) ? relativeOrAbsolute : null;
        foreach (string root in SearchRoots)
        {
            string candidate = Path.Combine(root, relativeOrAbsolute);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public string Find(string relativeOrAbsolute, string what)
    {
        string? found = TryFind(relativeOrAbsolute);
        if (found is not null) return found;

        string where = Path.IsPathRooted(relativeOrAbsolute)
            ? relativeOrAbsolute
            : string.Join(", ", SearchRoots.Select(r => Path.Combine(r, relativeOrAbsolute)));
        throw new FaceException(FaceErrorKind.Model,
            $"{what} model '{relativeOrAbsolute}' not found; looked in: {where}. " +
            $"Pass --models DIR or set {EnvironmentVariable}, or run 'facenative models fetch'.");
    }

    public static string Sha256Of(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
