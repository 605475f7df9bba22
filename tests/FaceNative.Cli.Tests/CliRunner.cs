using System.Diagnostics;
using System.Text.Json;
using Xunit.Sdk;

namespace FaceNative.Cli.Tests;

/// <summary>Runs the published NativeAOT binary, the thing users run.</summary>
internal static class CliRunner
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string ModelsDir =>
        Environment.GetEnvironmentVariable("FACENATIVE_MODELS") is { Length: > 0 } env
            ? env
            : Path.Combine(SharedDir, "models");

    public static string Face(string relative)
    {
        string path = Path.Combine(SharedDir, "faces", relative);
        if (!File.Exists(path)) throw new XunitException($"test photo missing: {path}");
        return path;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => Run(true, args);

    /// <summary>Runs with <c>--models</c> added (the shared models) unless
    /// <paramref name="addModels"/> is false or the arguments name a folder themselves;
    /// <c>$FACENATIVE_MODELS</c> is always cleared.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(bool addModels, params string[] args)
    {
        string exe = Path.Combine(RepoRoot, "dist", "bin", "facenative");
        if (!File.Exists(exe))
            throw new XunitException(
                $"{exe} not found: run ./build.sh first (the CLI tests exercise the published binary)");

        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (addModels && !args.Contains("--models"))
        {
            psi.ArgumentList.Add("--models");
            psi.ArgumentList.Add(ModelsDir);
        }
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["FACENATIVE_MODELS"] = "";

        using Process p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill();
            throw new XunitException($"facenative {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return (p.ExitCode, stdout, stderr.Result);
    }

    public static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceNative.sln")))
                return dir.FullName;
        throw new InvalidOperationException("FaceNative.sln not found above " + AppContext.BaseDirectory);
    }
}
