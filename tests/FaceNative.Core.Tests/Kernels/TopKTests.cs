using FaceNative.Kernels;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>Top-k search returns the reference's rows in the reference's order, scores within
/// float rounding, for single and batched queries, on one thread and many.</summary>
public class TopKTests
{
    private static float[] Normalized(Random rng, int rows, int dimension)
    {
        float[] m = KernelAssert.RandomFloats(rng, rows * dimension);
        for (int r = 0; r < rows; r++) Cosine.TryNormalize(m.AsSpan(r * dimension, dimension));
        return m;
    }

    private static void AssertSame(Match[] expected, Match[] actual, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: {expected.Length} vs {actual.Length} matches");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Index == actual[i].Index, $"{context}: rank {i} is row {actual[i].Index}, " +
                $"expected {expected[i].Index}");
            Assert.True(Math.Abs(expected[i].Score - actual[i].Score) <= 1e-5f
                || expected[i].Score == actual[i].Score, $"{context}: rank {i} score {actual[i].Score:R}");
        }
    }

    [Fact]
    public void Search_MatchesScalar_AllSizes()
    {
        var rng = new Random(41);
        foreach (int dimension in new[] { 1, 3, 8, 17, 128, 512 })
        {
            foreach (int rows in new[] { 0, 1, 2, 7, 8, 9, 31, 64, 65, 130 })
            {
                float[] matrix = Normalized(rng, rows, dimension);
                float[] query = Normalized(rng, 1, dimension);
                foreach (int k in new[] { 0, 1, 5, rows, rows + 3 })
                    AssertSame(TopK.SearchReference(query, matrix, dimension, k),
                        TopK.Search(query, matrix, dimension, k), $"D {dimension} N {rows} k {k}");
            }
        }
    }

    [Fact]
    public void Search_Parallel_MatchesScalar()
    {
        var rng = new Random(42);
        const int Dimension = 128, Rows = 5000; // 640 000 floats: over the parallel threshold
        float[] matrix = Normalized(rng, Rows, Dimension);
        float[] query = Normalized(rng, 1, Dimension);
        Match[] expected = TopK.SearchReference(query, matrix, Dimension, 20);
        AssertSame(expected, TopK.Search(query, matrix, Dimension, 20, maxThreads: 3), "3 threads");
        AssertSame(expected, TopK.Search(query, matrix, Dimension, 20, maxThreads: 1), "1 thread");
    }

    [Fact]
    public void SearchBatch_MatchesSingleQueries()
    {
        var rng = new Random(43);
        const int Dimension = 64, Rows = 300, Queries = 5;
        float[] matrix = Normalized(rng, Rows, Dimension);
        float[] queries = Normalized(rng, Queries, Dimension);
        Match[][] batch = TopK.SearchBatch(queries, matrix, Dimension, 7, maxThreads: 2);
        Assert.Equal(Queries, batch.Length);
        for (int q = 0; q < Queries; q++)
            AssertSame(TopK.SearchReference(queries.AsSpan(q * Dimension, Dimension), matrix, Dimension, 7), batch[q],
                $"query {q}");
    }

    [Fact]
    public void Search_SkipsNaNRows_RanksInfinityFirst()
    {
        var rng = new Random(44);
        const int Dimension = 16, Rows = 40;
        float[] matrix = Normalized(rng, Rows, Dimension);
        float[] query = Normalized(rng, 1, Dimension);
        matrix[3 * Dimension + 5] = float.NaN;
        matrix[17 * Dimension] = float.NaN;
        for (int i = 0; i < Dimension; i++) matrix[21 * Dimension + i] = query[i] > 0 ? float.PositiveInfinity : 0;

        Match[] all = TopK.Search(query, matrix, Dimension, Rows);
        Assert.Equal(Rows - 2, all.Length);
        Assert.DoesNotContain(all, m => m.Index == 3 || m.Index == 17);
        Assert.Equal(21, all[0].Index);
        AssertSame(TopK.SearchReference(query, matrix, Dimension, Rows), all, "NaN rows");

        query[0] = float.NaN;
        Assert.Empty(TopK.Search(query, matrix, Dimension, 5));
    }

    [Fact]
    public void Search_TiesKeepLowerIndex_AndBadShapesThrow()
    {
        float[] matrix = [1, 0, 0, 1, 1, 0, 1, 0];
        Match[] top = TopK.Search([1, 0], matrix, 2, 3);
        Assert.Equal([0, 2, 3], top.Select(m => m.Index).ToArray());
        Assert.Throws<FaceException>(() => TopK.Search([1, 0, 0], matrix, 2, 1));
        Assert.Throws<FaceException>(() => TopK.Search([1, 0], new float[5], 2, 1));
        Assert.Throws<FaceException>(() => TopK.Search([], [], 0, 1));
    }
}
