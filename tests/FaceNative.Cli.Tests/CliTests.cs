using System.Text.Json;
using Xunit;

namespace FaceNative.Cli.Tests;

public class CliTests
{
    [Fact]
    public void Detect_GroupPhoto_SixFacesWithLandmarks()
    {
        var (code, stdout, _) = CliRunner.Run("detect", CliRunner.Face("groups/isf_t1.jpg"));

        Assert.Equal(0, code);
        JsonElement json = CliRunner.Json(stdout);
        Assert.Equal(1280, json.GetProperty("width").GetInt32());
        Assert.Equal(6, json.GetProperty("faces").GetArrayLength());
        JsonElement face = json.GetProperty("faces")[0];
        Assert.Equal(4, face.GetProperty("box").GetArrayLength());
        Assert.Equal(5, face.GetProperty("landmarks").GetArrayLength());
    }

    [Fact]
    public void Detect_NoModelsFlag_UsesInstallModelsFolder()
    {
        string installModels = Path.Combine(CliRunner.RepoRoot, "dist", "models");
        if (!Directory.Exists(installModels))
            throw new Xunit.Sdk.XunitException($"{installModels} missing: ./build.sh links it to the models");

        var (code, stdout, stderr) = CliRunner.Run(false, "detect", CliRunner.Face("groups/isf_t1.jpg"));

        Assert.True(code == 0, stderr);
        Assert.Equal(6, CliRunner.Json(stdout).GetProperty("faces").GetArrayLength());
    }

    [Fact]
    public void Embed_UnitNormVector()
    {
        var (code, stdout, _) = CliRunner.Run("embed", CliRunner.Face("id10/agt_obama.jpg"));

        Assert.Equal(0, code);
        JsonElement json = CliRunner.Json(stdout);
        double norm = Math.Sqrt(json.GetProperty("embedding").EnumerateArray().Sum(v => v.GetDouble() * v.GetDouble()));
        Assert.Equal(512, json.GetProperty("dim").GetInt32());
        Assert.Equal(1.0, norm, 3);
    }

    [Fact]
    public void Verify_SamePerson_LocalAiFields()
    {
        var (code, stdout, _) = CliRunner.Run("verify", CliRunner.Face("id10/agt_obama.jpg"),
            CliRunner.Face("id10/agt_obama2.jpg"), "--anti-spoofing");

        Assert.Equal(0, code);
        JsonElement json = CliRunner.Json(stdout);
        Assert.True(json.GetProperty("verified").GetBoolean());
        Assert.True(json.GetProperty("distance").GetDouble() < json.GetProperty("threshold").GetDouble());
        Assert.True(json.GetProperty("img1_area").GetProperty("w").GetDouble() > 50);
        Assert.True(json.TryGetProperty("img2_antispoof_score", out _));
        Assert.Equal("w600k_mbf_uint8_dynamic", json.GetProperty("model").GetString());
    }

    [Fact]
    public void Analyze_SpoofPhoto_NotReal_WithAgeGender()
    {
        var (code, stdout, _) = CliRunner.Run(
            "analyze", CliRunner.Face("antispoof/sf_image_F1.jpg"), "--anti-spoofing");

        Assert.Equal(0, code);
        JsonElement face = CliRunner.Json(stdout).GetProperty("faces")[0];
        Assert.False(face.GetProperty("is_real").GetBoolean());
        Assert.Contains(face.GetProperty("dominant_gender").GetString(), new[] { "Man", "Woman" });
        Assert.True(face.GetProperty("age").GetDouble() > 0);
    }

    [Fact]
    public void VerifyPairs_SharedPairs_ZeroErrorsHighAccuracy()
    {
        string pairs = Path.Combine(CliRunner.SharedDir, "faces", "pairs.csv");
        var (code, stdout, _) = CliRunner.Run("verify", "--pairs", pairs);

        Assert.Equal(0, code);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        JsonElement summary = CliRunner.Json(lines[^1]);
        Assert.Equal(lines.Length - 1, summary.GetProperty("pairs").GetInt32());
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.True(summary.GetProperty("accuracy").GetDouble() >= 0.99);
        Assert.True(CliRunner.Json(lines[0]).TryGetProperty("similarity", out _));
    }

    [Fact]
    public void VerifyPairs_EveryRowFails_SummaryThenBadInputExit()
    {
        string csv = Path.Combine(Path.GetTempPath(), $"facenative-pairs-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, "file_a,file_b,same_person\nmissing1.jpg,missing2.jpg,1\nmissing3.jpg,missing1.jpg,0\n");

        var (code, stdout, stderr) = CliRunner.Run("verify", "--pairs", csv);
        File.Delete(csv);

        Assert.Equal(2, code);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, CliRunner.Json(lines[^1]).GetProperty("errors").GetInt32());
        Assert.Contains("none of the 2 pairs", stderr);
    }

    [Fact]
    public void ExitCodes_Usage_BadInput_NoFace_Model()
    {
        string garbage = Path.Combine(Path.GetTempPath(), $"facenative-garbage-{Guid.NewGuid():N}.jpg");
        File.WriteAllText(garbage, "definitely not a jpeg");
        string blank = Path.Combine(Path.GetTempPath(), $"facenative-blank-{Guid.NewGuid():N}.bmp");
        WriteBlankBmp(blank, 64, 48);

        Assert.Equal(1, CliRunner.Run("verify", "only-one-image.jpg").ExitCode);
        Assert.Equal(1, CliRunner.Run("no-such-command").ExitCode);
        Assert.Equal(2, CliRunner.Run("detect", garbage).ExitCode);
        Assert.Equal(2, CliRunner.Run("detect", "/no/such/file.jpg").ExitCode);
        Assert.Equal(3, CliRunner.Run("embed", blank).ExitCode);
        var (code, _, stderr) = CliRunner.Run("--pack", "buffalo_l", "detect", blank);
        Assert.Equal(4, code);
        Assert.Contains("det_10g.onnx", stderr);
        Assert.Equal(4, CliRunner.Run("--pack", "yunet", "analyze", blank, "--anti-spoofing").ExitCode);
    }

    [Fact]
    public void ModelsVerify_DefaultPack_AllOk()
    {
        var (code, stdout, _) = CliRunner.Run("models", "verify", "default");

        Assert.Equal(0, code);
        Assert.All(CliRunner.Json(stdout).GetProperty("models").EnumerateArray(),
            m => Assert.Equal("ok", m.GetProperty("status").GetString()));
    }

    [Fact]
    public void ModelsFetch_FromLocalFolder_ThenVerify()
    {
        string destination = Path.Combine(Path.GetTempPath(), $"facenative-models-{Guid.NewGuid():N}");

        var (code, _, stderr) = CliRunner.Run(
            "models", "fetch", "yunet", "--from", CliRunner.ModelsDir, "--to", destination);

        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(destination, "yunet_s_dynamic.onnx")));
        Assert.Equal(0, CliRunner.Run("--models", destination, "models", "verify", "yunet").ExitCode);
    }

    private static void WriteBlankBmp(string path, int width, int height)
    {
        int row = (width * 3 + 3) & ~3, size = 54 + row * height;
        var bmp = new byte[size];
        "BM"u8.CopyTo(bmp);
        BitConverter.GetBytes(size).CopyTo(bmp, 2);
        BitConverter.GetBytes(54).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(width).CopyTo(bmp, 18);
        BitConverter.GetBytes(height).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)1).CopyTo(bmp, 26);
        BitConverter.GetBytes((short)24).CopyTo(bmp, 28);
        File.WriteAllBytes(path, bmp);
    }
}
