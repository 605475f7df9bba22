using System.Buffers.Binary;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Cli.Tests;

/// <summary>The robustness inputs of docs/robustness.md through the command line: each ends
/// in a documented exit code with a message on stderr, never a crash (signal) or a NaN.</summary>
public class HostileInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facenative-hostile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TruncatedJpeg_EveryTenPercent_DecodeErrorOrResult()
    {
        byte[] jpeg = File.ReadAllBytes(CliRunner.Face("id10/agt_obama.jpg"));

        for (int tenth = 0; tenth < 10; tenth++)
        {
            string path = Write($"cut{tenth}.jpg", jpeg[..(jpeg.Length * tenth / 10)]);
            var (code, stdout, stderr) = CliRunner.Run("embed", path);

            Assert.True(code is 0 or 2 or 3, $"{tenth}0 %: exit {code}: {stderr}");
            if (code == 0) Assert.DoesNotContain("NaN", stdout);
            else Assert.NotEqual("", stderr.Trim());
        }
    }

    [Fact]
    public void EmptyAndRandomFiles_AreBadInput()
    {
        var random = new Random(7);
        var noise = new byte[4096];
        random.NextBytes(noise);

        foreach (string path in new[] { Write("empty.jpg", []), Write("noise.png", noise) })
        {
            var (code, _, stderr) = CliRunner.Run("detect", path);
            Assert.Equal(2, code);
            Assert.Contains("image", stderr);
        }
    }

    [Fact]
    public void DecompressionBomb_RefusedAsTooLarge()
    {
        string path = Write("bomb.png", ImageFactory.ZeroPng(30000, 30000));

        var (code, _, stderr) = CliRunner.Run("detect", path);

        Assert.Equal(2, code);
        Assert.Contains("30000x30000", stderr);
    }

    [Fact]
    public void HeaderDeclaringHugeSize_RefusedAsTooLarge()
    {
        byte[] png = ImageFactory.ZeroPng(8, 8);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);

        var (code, _, stderr) = CliRunner.Run("detect", Write("huge-header.png", png));

        Assert.Equal(2, code);
        Assert.Contains("100000x100000", stderr);
    }

    [Fact]
    public void OnePixelImage_IsNoFace()
    {
        var (code, _, stderr) = CliRunner.Run("embed", Write("one.png", ImageFactory.ZeroPng(1, 1)));

        Assert.Equal(3, code);
        Assert.Contains("no face", stderr, StringComparison.OrdinalIgnoreCase);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
