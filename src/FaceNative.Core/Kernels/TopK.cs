namespace FaceNative.Kernels;

/// <summary>One gallery row and its similarity to the query.</summary>
public readonly record struct Match(int Index, float Score);

/// <summary>
/// Top-k search of a gallery: one query (or a batch of queries) against an N×D row-major
/// matrix of embeddings. The score is the dot product, i.e. the cosine similarity for the
/// L2-normalised embeddings the recognizer produces.
/// </summary>
/// <remarks>
/// Results are ordered by descending score, equal scores by ascending row index. N = 0 or
/// k ≤ 0 gives an empty result; k &gt; N gives every row. A row whose score is NaN (a NaN in
/// the row or the query, or ∞ · 0) is skipped, never returned, so fewer than k matches may
/// come back; +∞ scores rank first. The fast form sums in float (see <see cref="Cosine.Dot"/>),
/// so its scores differ from the double reference by about 1e-6 relative and rows whose
/// scores tie within that may swap places.
/// </remarks>
public static class TopK
{
    /// <summary>Below this many matrix elements a search runs on the calling thread: the
    /// fork/join of the thread pool costs more than it saves (about 1 MB of gallery).</summary>
    public const long ParallelThreshold = 1 << 18;

    /// <summary>Scalar reference: every score by <see cref="Cosine.DotReference"/>, NaN rows
    /// dropped, a full sort, the first k.</summary>
    public static Match[] SearchReference(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, int dimension, int k)
    {
        int rows = Validate(query.Length, matrix.Length, dimension, 1);
        var all = new List<Match>(rows);
        for (int r = 0; r < rows; r++)
        {
            float score = Cosine.DotReference(query, matrix.Slice(r * dimension, dimension));
            if (!float.IsNaN(score)) all.Add(new Match(r, score));
        }
        all.Sort(Compare);
        return all.Take(Math.Max(0, k)).ToArray();
    }

    /// <summary>Vectorised search; rows split across up to <paramref name="maxThreads"/> threads
    /// (0 = one per core) when the matrix holds at least <see cref="ParallelThreshold"/> floats.</summary>
    public static Match[] Search(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, int dimension, int k,
        int maxThreads = 0) => SearchBatch(query, matrix, dimension, k, maxThreads)[0];

    /// <summary>
    /// Q queries (a Q×D row-major span) against the matrix in one pass over it: rows are read
    /// in blocks that stay in cache while every query is scored against them, so the gallery
    /// streams from memory once rather than Q times. Returns one result per query.
    /// </summary>
    public static unsafe Match[][] SearchBatch(ReadOnlySpan<float> queries, ReadOnlySpan<float> matrix, int dimension,
        int k, int maxThreads = 0)
    {
        int queryCount = queries.Length / Math.Max(1, dimension);
        int rows = Validate(queries.Length, matrix.Length, dimension, queryCount);
        k = Math.Min(Math.Max(0, k), rows);
        if (k == 0)
            return Enumerable.Range(0, queryCount).Select(_ => Array.Empty<Match>()).ToArray();

        int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        if ((long)rows * dimension < ParallelThreshold) threads = 1;
        threads = Math.Min(threads, rows);

        // Each thread keeps its own heaps over a contiguous slice of rows; the slices' heaps are
        // merged at the end with the same ordering, so the result does not depend on the split.
        var heaps = new Heap[threads, queryCount];
        fixed (float* q = queries)
        fixed (float* m = matrix)
        {
            nint qp = (nint)q, mp = (nint)m;
            if (threads == 1)
            {
                Scan((float*)qp, queryCount, (float*)mp, dimension, 0, rows, k, heaps, 0);
            }
            else
            {
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    int start = (int)((long)rows * t / threads), end = (int)((long)rows * (t + 1) / threads);
                    Scan((float*)qp, queryCount, (float*)mp, dimension, start, end, k, heaps, t);
                });
            }
        }

        var results = new Match[queryCount][];
        for (int qi = 0; qi < queryCount; qi++)
        {
            var merged = new List<Match>(threads * k);
            for (int t = 0; t < threads; t++) heaps[t, qi].AddTo(merged);
            merged.Sort(Compare);
            results[qi] = merged.Take(k).ToArray();
        }
        return results;
    }

    /// <summary>Rows are visited in blocks of 64 (64 × 512 floats = 128 KB, inside L2) so a
    /// batch of queries reuses each row from cache.</summary>
    private static unsafe void Scan(float* queries, int queryCount, float* matrix, int dimension, int start, int end,
        int k, Heap[,] heaps, int slot)
    {
        for (int qi = 0; qi < queryCount; qi++) heaps[slot, qi] = new Heap(k);

        const int Block = 64;
        for (int blockStart = start; blockStart < end; blockStart += Block)
        {
            int blockEnd = Math.Min(end, blockStart + Block);
            for (int qi = 0; qi < queryCount; qi++)
            {
                ref float query = ref *(queries + (long)qi * dimension);
                Heap heap = heaps[slot, qi];
                for (int r = blockStart; r < blockEnd; r++)
                {
                    float score = Cosine.DotUnchecked(ref query, ref *(matrix + (long)r * dimension), dimension);
                    if (!float.IsNaN(score)) heap.Offer(score, r);
                }
            }
        }
    }

    private static int Compare(Match x, Match y)
    {
        int byScore = y.Score.CompareTo(x.Score);
        return byScore != 0 ? byScore : x.Index.CompareTo(y.Index);
    }

    private static int Validate(int queryLength, int matrixLength, int dimension, int queryCount)
    {
        if (dimension <= 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, $"embedding dimension {dimension} is not positive");
        if (queryLength != queryCount * dimension || queryCount == 0)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"query length {queryLength} is not a positive multiple of the dimension {dimension}");
        if (matrixLength % dimension != 0)
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"matrix length {matrixLength} is not a multiple of the dimension {dimension}");
        return matrixLength / dimension;
    }

    /// <summary>The k best seen so far as a binary min-heap: the root is the worst kept match,
    /// the only one a new row has to beat. Rows arrive in ascending index order, so a later
    /// row with an equal score is never better and ties keep the lower index.</summary>
    private sealed class Heap(int capacity)
    {
        private readonly float[] _scores = new float[capacity];
        private readonly int[] _rows = new int[capacity];
        private int _count;

        public void Offer(float score, int row)
        {
            if (_count < _scores.Length)
            {
                int i = _count++;
                for (; i > 0; )
                {
                    int parent = (i - 1) >> 1;
                    if (!Worse(score, row, _scores[parent], _rows[parent])) break;
                    _scores[i] = _scores[parent];
                    _rows[i] = _rows[parent];
                    i = parent;
                }
                _scores[i] = score;
                _rows[i] = row;
                return;
            }
            if (!(score > _scores[0])) return;

            // Replace the root and sift it down.
            int at = 0;
            while (true)
            {
                int child = 2 * at + 1;
                if (child >= _count) break;
                if (child + 1 < _count && Worse(_scores[child + 1], _rows[child + 1], _scores[child], _rows[child]))
                    child++;
                if (!Worse(_scores[child], _rows[child], score, row)) break;
                _scores[at] = _scores[child];
                _rows[at] = _rows[child];
                at = child;
            }
            _scores[at] = score;
            _rows[at] = row;
        }

        public void AddTo(List<Match> list)
        {
            for (int i = 0; i < _count; i++) list.Add(new Match(_rows[i], _scores[i]));
        }

        private static bool Worse(float s, int r, float otherScore, int otherRow) =>
            s < otherScore || (s == otherScore && r > otherRow);
    }
}
