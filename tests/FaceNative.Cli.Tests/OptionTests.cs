using System.Text.Json;
using Xunit;

namespace FaceNative.Cli.Tests;

/// <summary>The detector and selection flags change what the published binary reports, and
/// bad flag values are usage errors.</summary>
public class OptionTests
{
    private static readonly string s_group = CliRunner.Face("groups/isf_t1.jpg");

    [Fact]
    public void MaxFaces_Two_KeepsTheTwoBest()
    {
        JsonElement[] all = Faces(CliRunner.Run("detect", s_group));

        JsonElement[] two = Faces(CliRunner.Run("--max-faces", "2", "detect", s_group));

        Assert.Equal(6, all.Length);
        Assert.Equal(2, two.Length);
        Assert.Equal(Boxes(all[..2]), Boxes(two));
    }

    [Fact]
    public void MinFaceSize_DropsSmallerFaces()
    {
        JsonElement[] all = Faces(CliRunner.Run("detect", s_group));
        double[] sides = all.Select(ShorterSide).Order().ToArray();
        double limit = (sides[0] + sides[^1]) / 2; // between the smallest and the largest face

        JsonElement[] kept = Faces(CliRunner.Run("--min-face-size",
            limit.ToString(System.Globalization.CultureInfo.InvariantCulture), "detect", s_group));

        Assert.Equal(sides.Count(s => s >= limit), kept.Length);
        Assert.InRange(kept.Length, 1, all.Length - 1);
        Assert.All(kept, f => Assert.True(ShorterSide(f) >= limit));
    }

    [Fact]
    public void Largest_EmbedTakesTheLargestBox_DefaultTakesTheBestScore()
    {
        JsonElement[] all = Faces(CliRunner.Run("detect", s_group));
        JsonElement largest = all.MaxBy(f => ShorterSide(f) * LongerSide(f));

        var (code, stdout, stderr) = CliRunner.Run("--largest", "embed", s_group);
        var (bestCode, bestOut, _) = CliRunner.Run("embed", s_group);

        Assert.True(code == 0 && bestCode == 0, stderr);
        Assert.Equal(Box(largest), Box(CliRunner.Json(stdout)));
        Assert.Equal(Box(all[0]), Box(CliRunner.Json(bestOut)));
    }

    [Fact]
    public void DetSize_DynamicYuNet_SmallerInputStillFindsTheFace()
    {
        string photo = CliRunner.Face("id10/agt_obama.jpg");

        var (code, stdout, stderr) = CliRunner.Run("--pack", "yunet", "--det-size", "320", "detect", photo);

        Assert.True(code == 0, stderr);
        Assert.NotEmpty(Faces((code, stdout, stderr)));
    }

    [Fact]
    public void DetSize_FixedSizeDetector_WarnsThatItIsIgnored()
    {
        var (code, _, stderr) = CliRunner.Run("--det-size", "320", "detect", CliRunner.Face("id10/agt_obama.jpg"));

        Assert.Equal(0, code);
        Assert.Contains("is ignored", stderr);
    }

    [Fact]
    public void Threads_One_SameEmbeddingAsDefault()
    {
        string photo = CliRunner.Face("id10/agt_obama.jpg");

        float[] one = Embedding(CliRunner.Run("--threads", "1", "embed", photo));
        float[] two = Embedding(CliRunner.Run("--threads", "2", "embed", photo));

        // ONNX Runtime may split reductions differently across threads: equal to rounding.
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
            Assert.InRange(one[i] - two[i], -1e-4f, 1e-4f);
    }

    [Theory]
    [InlineData("--provider", "gpu")]
    [InlineData("--det-size", "0")]
    [InlineData("--det-size", "wide")]
    [InlineData("--threads", "many")]
    public void BadFlagValue_IsUsageError(string flag, string value)
    {
        var (code, stdout, stderr) = CliRunner.Run(flag, value, "detect", s_group);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains(value, stderr);
    }

    private static JsonElement[] Faces((int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        return CliRunner.Json(run.Stdout).GetProperty("faces").EnumerateArray().ToArray();
    }

    private static float[] Embedding((int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        return CliRunner.Json(run.Stdout).GetProperty("embedding").EnumerateArray()
            .Select(v => v.GetSingle()).ToArray();
    }

    private static string Box(JsonElement face) => face.GetProperty("box").GetRawText();

    private static string Boxes(IEnumerable<JsonElement> faces) => string.Join(";", faces.Select(Box));

    private static double[] Coordinates(JsonElement face) =>
        face.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double ShorterSide(JsonElement face)
    {
        double[] b = Coordinates(face);
        return Math.Min(b[2] - b[0], b[3] - b[1]);
    }

    private static double LongerSide(JsonElement face)
    {
        double[] b = Coordinates(face);
        return Math.Max(b[2] - b[0], b[3] - b[1]);
    }
}
