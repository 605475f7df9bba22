using System.Runtime.InteropServices;
using FaceNative.Kernels;

namespace FaceNative.Grpc;

/// <summary>
/// The in-memory key/value store behind LocalAI's Stores* calls: keys are float vectors (face
/// embeddings), values opaque bytes; Find ranks entries by cosine similarity to a query. It lives
/// as long as the process, independent of LoadModel and Free, and is thread-safe.
/// </summary>
public sealed class VectorStore
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<byte[], Entry> _entries = new(BytesComparer.Instance);
    private int _dimension;

    public readonly record struct Entry(float[] Key, byte[] Value);

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _entries.Count; } finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Adds or replaces each key's value. All keys of a store have one length.</summary>
    public void Set(IReadOnlyList<float[]> keys, IReadOnlyList<byte[]> values)
    {
        if (keys.Count != values.Count)
            throw Invalid($"{keys.Count} keys but {values.Count} values");
        _lock.EnterWriteLock();
        try
        {
            int dimension = _entries.Count == 0 ? 0 : _dimension;
            foreach (float[] key in keys)
            {
                if (key.Length == 0) throw Invalid("a key is empty");
                if (dimension == 0) dimension = key.Length;
                else if (key.Length != dimension)
                    throw Invalid($"a key has {key.Length} floats, the store holds keys of {dimension}");
            }
            _dimension = dimension;
            for (int i = 0; i < keys.Count; i++) _entries[Identity(keys[i])] = new Entry(keys[i], values[i]);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes the keys present; returns how many there were.</summary>
    public int Delete(IEnumerable<float[]> keys)
    {
        _lock.EnterWriteLock();
        try
        {
            return keys.Count(k => _entries.Remove(Identity(k)));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The entries for the keys present, in request order.</summary>
    public List<Entry> Get(IEnumerable<float[]> keys)
    {
        _lock.EnterReadLock();
        try
        {
            var found = new List<Entry>();
            foreach (float[] key in keys)
            {
                if (_entries.TryGetValue(Identity(key), out Entry e)) found.Add(e);
            }
            return found;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The <paramref name="topK"/> entries most similar to <paramref name="query"/>
    /// (cosine similarity, highest first).</summary>
    public List<(Entry Entry, float Similarity)> Find(float[] query, int topK)
    {
        if (topK <= 0) throw Invalid($"TopK must be at least 1, got {topK}");
        _lock.EnterReadLock();
        try
        {
            if (_entries.Count > 0 && query.Length != _dimension)
                throw Invalid($"the query has {query.Length} floats, the store holds keys of {_dimension}");
            return _entries.Values
                .Select(e => (e, Cosine.Similarity(query, e.Key)))
                .OrderByDescending(p => p.Item2)
                .Take(topK)
                .ToList();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    // Keys match by their exact float bits, as the same embedding sent twice must.
    private static byte[] Identity(float[] key) => MemoryMarshal.AsBytes(key.AsSpan()).ToArray();

    private static FaceException Invalid(string message) => new(FaceErrorKind.InvalidArgument, message);

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public static readonly BytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
