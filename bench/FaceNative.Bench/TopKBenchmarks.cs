using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using FaceNative.Kernels;

namespace FaceNative.Bench;

/// <summary>
/// Top-10 of one query over N × 512 float embeddings, next to the plain memory-read bandwidth
/// of the same array measured in the same process (a vector sum over it, same thread count):
/// the search cannot beat that read.
/// </summary>
public class TopKBenchmarks
{
    public const int Dimension = 512;

    [Params(100_000, 1_000_000)]
    public int Rows;

    private float[] _matrix = null!;
    private float[] _query = null!;

    [GlobalSetup]
    public void Setup()
    {
        _matrix = Fixtures.Floats((long)Rows * Dimension, 5);
        _query = Fixtures.Floats(Dimension, 6);
    }

    /// <summary>The physical limit: every byte read once, one add per float, all cores. On a
    /// shared machine one thread may read faster than two; the report takes the faster of the
    /// two read rows as the limit.</summary>
    [Benchmark(Baseline = true, Description = "memory read (vector sum, all cores)")]
    public float ReadBandwidth() => ReadSum(Environment.ProcessorCount);

    [Benchmark(Description = "memory read (vector sum, 1 thread)")]
    public float ReadBandwidthOneThread() => ReadSum(1);

    private float ReadSum(int threads)
    {
        var partial = new float[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = (int)((long)_matrix.Length * t / threads);
            int end = (int)((long)_matrix.Length * (t + 1) / threads);
            var span = _matrix.AsSpan(start, end - start);
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int i = 0;
            for (; i <= span.Length - 32; i += 32)
            {
                s0 += Vector256.Create<float>(span.Slice(i, 8));
                s1 += Vector256.Create<float>(span.Slice(i + 8, 8));
                s2 += Vector256.Create<float>(span.Slice(i + 16, 8));
                s3 += Vector256.Create<float>(span.Slice(i + 24, 8));
            }
            float sum = Vector256.Sum(s0 + s1 + s2 + s3);
            for (; i < span.Length; i++) sum += span[i];
            partial[t] = sum;
        });
        return partial.Sum();
    }

    [Benchmark(Description = "FaceNative TopK.Search (all cores)")]
    public Match[] Search() => TopK.Search(_query, _matrix, Dimension, 10);

    [Benchmark(Description = "FaceNative TopK.Search (1 thread)")]
    public Match[] SearchOneThread() => TopK.Search(_query, _matrix, Dimension, 10, maxThreads: 1);

    /// <summary>The library alternative: TensorPrimitives.Dot per row (one thread, as a caller
    /// would write it), the 10 best kept by insertion into a sorted array.</summary>
    [Benchmark(Description = "TensorPrimitives.Dot per row (1 thread)")]
    public int[] Library()
    {
        var best = new float[10];
        var rows = new int[10];
        best.AsSpan().Fill(float.NegativeInfinity);
        for (int r = 0; r < Rows; r++)
        {
            float score = TensorPrimitives.Dot(_query, _matrix.AsSpan(r * Dimension, Dimension));
            if (!(score > best[9])) continue;
            int at = 9;
            for (; at > 0 && best[at - 1] < score; at--) { best[at] = best[at - 1]; rows[at] = rows[at - 1]; }
            best[at] = score;
            rows[at] = r;
        }
        return rows;
    }
}
