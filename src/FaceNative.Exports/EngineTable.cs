using System.Collections.Concurrent;

namespace FaceNative.Exports;

/// <summary>
/// A loaded engine behind a face_engine handle, with a count of the calls using it, so that
/// face_free on one thread never disposes models under a call running on another.
/// </summary>
internal sealed unsafe class EngineEntry
{
    private int _refs = 1;

    public EngineEntry(FaceEngine engine, int embeddingDim)
    {
        Engine = engine;
        EmbeddingDim = embeddingDim;
        Recognizer = NativeText.Static(engine.RecognizerName);
        Detector = NativeText.Static(engine.DetectorName);
        Pack = NativeText.Static(engine.Pack.Name);
    }

    public FaceEngine Engine { get; }

    public int EmbeddingDim { get; }

    public byte* Recognizer { get; }

    public byte* Detector { get; }

    public byte* Pack { get; }

    public bool TryAddRef()
    {
        while (true)
        {
            int refs = Volatile.Read(ref _refs);
            if (refs <= 0) return false;
            if (Interlocked.CompareExchange(ref _refs, refs + 1, refs) == refs) return true;
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) != 0) return;
        Engine.Dispose();
        NativeText.Free(Recognizer);
        NativeText.Free(Detector);
        NativeText.Free(Pack);
    }
}

/// <summary>
/// Handles are table keys, not object addresses: a freed, forged or garbage handle misses the
/// table and becomes FACE_E_INVALID_ARGUMENT instead of a wild dereference.
/// </summary>
internal static class EngineTable
{
    private static readonly ConcurrentDictionary<nint, EngineEntry> s_engines = new();

    // Spaced and offset so that handles look like aligned pointers and small integers
    // (a stray 0, 1 or -1) never name an engine.
    private static long s_next = 0x7fa0_0000_0000;

    public static int Count => s_engines.Count;

    public static nint Add(EngineEntry entry)
    {
        nint handle = (nint)Interlocked.Add(ref s_next, 16);
        s_engines[handle] = entry;
        return handle;
    }

    /// <summary>The entry with one more reference (the caller must Release it), or a
    /// FaceException for a handle that is null, unknown or being freed.</summary>
    public static EngineEntry Acquire(nint handle)
    {
        if (handle == 0)
            throw new FaceException(FaceErrorKind.InvalidArgument, "engine is NULL");
        if (!s_engines.TryGetValue(handle, out EngineEntry? entry) || !entry.TryAddRef())
            throw new FaceException(FaceErrorKind.InvalidArgument,
                $"engine 0x{handle:x} is not a live engine (freed, or never returned by face_load)");
        return entry;
    }

    public static void Remove(nint handle)
    {
        if (s_engines.TryRemove(handle, out EngineEntry? entry))
            entry.Release();
    }
}
