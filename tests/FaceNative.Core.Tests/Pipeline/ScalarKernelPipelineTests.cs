using System.Globalization;
using FaceNative.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace FaceNative.Tests.Pipeline;

/// <summary>
/// The whole pairs.csv run once with the vectorised kernels (this process) and once with every
/// .NET intrinsic switched off (a child test process, <c>DOTNET_EnableHWIntrinsic=0</c>, so each
/// kernel takes its scalar reference): the verdicts must be the same and the similarities equal
/// to rounding. ONNX Runtime and OpenCV are native and unaffected by the switch.
/// </summary>
public class ScalarKernelPipelineTests : IClassFixture<DefaultEngineFixture>
{
    private const string ChildVariable = "FACENATIVE_SCALAR_PIPELINE_OUT";
    private readonly DefaultEngineFixture _fx;
    private readonly ITestOutputHelper _output;

    public ScalarKernelPipelineTests(DefaultEngineFixture fx, ITestOutputHelper output) =>
        (_fx, _output) = (fx, output);

    [Fact]
    public void Pairs_ScalarKernels_SameVerdictsAndSimilarities()
    {
        var rows = File.ReadLines(Path.Combine(TestData.FacesDir, "pairs.csv")).Skip(1)
            .Select(l => l.Split(','))
            .ToList();
        float[] vectorised = Similarities(rows);
        string? childOut = Environment.GetEnvironmentVariable(ChildVariable);
        if (childOut is not null)
        {
            File.WriteAllLines(childOut, vectorised.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
            return;
        }

        float[] scalar = RunScalarChild();

        Assert.Equal(vectorised.Length, scalar.Length);
        double maxDiff = vectorised.Zip(scalar, (a, b) => Math.Abs((double)a - b)).Max();
        int correctVectorised = Correct(rows, vectorised), correctScalar = Correct(rows, scalar);
        _output.WriteLine($"accuracy: vectorised {correctVectorised}/{rows.Count}, scalar " +
            $"{correctScalar}/{rows.Count}; max |Δ similarity| {maxDiff:G3}");
        Assert.Equal(correctVectorised, correctScalar);
        Assert.True(maxDiff <= 1e-4, $"max |Δ similarity| = {maxDiff}");
    }

    private float[] Similarities(List<string[]> rows)
    {
        var cache = new Dictionary<string, float[]>();
        float[] EmbeddingOf(string file) => cache.TryGetValue(file, out var e)
            ? e
            : cache[file] = _fx.Engine.Embed(_fx.Load(file)).Embedding;
        return rows.Select(r => 1 - _fx.Engine.CompareEmbeddings(EmbeddingOf(r[0]), EmbeddingOf(r[1])).Distance)
            .ToArray();
    }

    private int Correct(List<string[]> rows, float[] similarities) => rows
        .Where((row, i) => (1 - similarities[i] < _fx.Engine.VerifyThreshold) == (row[2] == "1"))
        .Count();

    private static float[] RunScalarChild()
    {
        string outFile = Path.Combine(Path.GetTempPath(), $"facenative-scalar-pairs-{Guid.NewGuid():N}.txt");
        try
        {
            ChildTestRun.Run($"FullyQualifiedName~{nameof(ScalarKernelPipelineTests)}",
                new Dictionary<string, string> { ["DOTNET_EnableHWIntrinsic"] = "0", [ChildVariable] = outFile });
            return File.ReadAllLines(outFile).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        }
        finally
        {
            File.Delete(outFile);
        }
    }
}
