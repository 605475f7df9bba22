using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FaceNative.Detection;
using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Liveness;

namespace FaceNative.Exports;

/// <summary>
/// Every function of include/facenative.h. Each one validates pointers, translates to Core,
/// copies results into the caller's structs and maps every exception to a status: nothing
/// may unwind into C. Comments on behaviour live in the header, the one place callers read.
/// </summary>
internal static unsafe class Exports
{
    public const int AbiVersion = 1;
    public const string Version = "0.1.0";

    private static readonly byte* s_versionString = NativeText.Static($"FaceNative {Version} (ABI {AbiVersion})");
    private static readonly byte* s_unknownStatus = NativeText.Static("unknown status");
    private static readonly nint[] s_statusStrings =
    [
        (nint)NativeText.Static("ok"),
        (nint)NativeText.Static("invalid argument"),
        (nint)NativeText.Static("image could not be decoded"),
        (nint)NativeText.Static("no face found"),
        (nint)NativeText.Static("model missing or unusable"),
        (nint)NativeText.Static("no liveness model loaded"),
        (nint)NativeText.Static("no age/gender model loaded"),
        (nint)NativeText.Static("output buffer too small"),
        (nint)NativeText.Static("image too large"),
        (nint)NativeText.Static("internal error"),
    ];

    // Analysis results handed out and not yet freed: face_analysis_free ignores anything else,
    // so a double free or a foreign pointer cannot corrupt the native heap.
    private static readonly ConcurrentDictionary<nint, byte> s_results = new();

    // ---------------------------------------------------------------- version, status, errors

    [UnmanagedCallersOnly(EntryPoint = "face_abi_version")]
    public static int AbiVersionExport() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "face_version_string")]
    public static byte* VersionString() => s_versionString;

    [UnmanagedCallersOnly(EntryPoint = "face_status_string")]
    public static byte* StatusString(int status) =>
        // Widened before negating: -int.MinValue overflows back to int.MinValue.
        status <= 0 && -(long)status < s_statusStrings.Length ? (byte*)s_statusStrings[-(long)status]
            : s_unknownStatus;

    [UnmanagedCallersOnly(EntryPoint = "face_last_error")]
    public static byte* LastErrorExport() => LastError.Current;

    [UnmanagedCallersOnly(EntryPoint = "face_set_log_callback")]
    public static int SetLogCallback(delegate* unmanaged<int, byte*, void*, void> callback, int minLevel,
        void* userData)
    {
        try
        {
            if (minLevel is < (int)FaceLogLevel.Debug or > (int)FaceLogLevel.Error)
                return LastError.Set(Status.InvalidArgument, $"log level {minLevel} is not 0..3");
            FaceLog.SetSink(callback is null ? null : new LogForwarder(callback, userData).Write,
                (FaceLogLevel)minLevel);
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
    }

    // ---------------------------------------------------------------- engine

    [UnmanagedCallersOnly(EntryPoint = "face_load")]
    public static int Load(byte* config, nint* outEngine)
    {
        try
        {
            if (outEngine is null)
                return LastError.Set(Status.InvalidArgument, "out is NULL");
            *outEngine = 0;

            LibraryLocation.ApplyToModelLocator();
            EngineOptions options = EngineConfig.Parse(NativeText.Read(config));
            FaceEngine engine = FaceEngine.Load(options);
            try
            {
                *outEngine = EngineTable.Add(new EngineEntry(engine, ProbeEmbeddingDim(engine)));
            }
            catch
            {
                engine.Dispose();
                throw;
            }
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "face_free")]
    public static void Free(nint engine)
    {
        try
        {
            if (engine != 0) EngineTable.Remove(engine);
            LastError.Clear();
        }
        catch (Exception e)
        {
            LastError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "face_engine_get_info")]
    public static int GetInfo(nint engine, NativeEngineInfo* outInfo)
    {
        EngineEntry? entry = null;
        try
        {
            entry = EngineTable.Acquire(engine);
            RequireOut(outInfo, "out");
            FaceEngine e = entry.Engine;
            *outInfo = new NativeEngineInfo
            {
                EmbeddingDim = entry.EmbeddingDim,
                VerifyThreshold = e.VerifyThreshold,
                HasLiveness = e.HasLiveness ? 1 : 0,
                HasAttributes = e.HasAttributes ? 1 : 0,
                DetectorWidth = e.DetectorOptions.InputWidth,
                DetectorHeight = e.DetectorOptions.InputHeight,
                Recognizer = entry.Recognizer,
                Detector = entry.Detector,
                Pack = entry.Pack,
            };
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
        finally
        {
            entry?.Release();
        }
    }

    // ---------------------------------------------------------------- detect, embed

    [UnmanagedCallersOnly(EntryPoint = "face_detect")]
    public static int Detect(nint engine, NativeImage* image, float scoreThreshold, NativeDetection* faces,
        nuint capacity, nuint* count)
    {
        EngineEntry? entry = null;
        try
        {
            entry = EngineTable.Acquire(engine);
            RequireOut(count, "count");
            if (faces is null && capacity != 0)
                throw Invalid("faces is NULL but capacity is not 0");
            if (!float.IsFinite(scoreThreshold) || scoreThreshold < 0 || scoreThreshold > 1)
                throw Invalid($"score_threshold {scoreThreshold} is not in [0, 1]");
            *count = 0;

            FaceEngine e = entry.Engine;
            IReadOnlyList<DetectedFace> found = e.Detect(ReadImage(e, image),
                scoreThreshold > 0 ? scoreThreshold : null);
            int written = (int)Math.Min((nuint)found.Count, capacity);
            for (int i = 0; i < written; i++)
                faces[i] = ToNative(found[i]);
            *count = (nuint)found.Count;

            if (written < found.Count)
                return LastError.Set(Status.BufferTooSmall,
                    $"{found.Count} faces found, room for {capacity}: the best {written} were written");
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
        finally
        {
            entry?.Release();
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "face_embed")]
    public static int Embed(nint engine, NativeImage* image, float* embedding, nuint capacity, nuint* dim,
        NativeDetection* outFace)
    {
        EngineEntry? entry = null;
        try
        {
            entry = EngineTable.Acquire(engine);
            RequireOut(dim, "dim");
            if (embedding is null && capacity != 0)
                throw Invalid("embedding is NULL but capacity is not 0");
            *dim = 0;

            FaceEngine e = entry.Engine;
            FaceEmbedding result = e.Embed(ReadImage(e, image));
            *dim = (nuint)result.Embedding.Length;
            if (capacity < (nuint)result.Embedding.Length)
                return LastError.Set(Status.BufferTooSmall,
                    $"the embedding has {result.Embedding.Length} floats, room for {capacity}");

            result.Embedding.AsSpan().CopyTo(new Span<float>(embedding, result.Embedding.Length));
            if (outFace is not null) *outFace = ToNative(result.Face);
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
        finally
        {
            entry?.Release();
        }
    }

    // ---------------------------------------------------------------- verify

    [UnmanagedCallersOnly(EntryPoint = "face_verify")]
    public static int Verify(nint engine, NativeImage* image1, NativeImage* image2, float threshold, int flags,
        NativeVerifyResult* outResult)
    {
        EngineEntry? entry = null;
        try
        {
            entry = EngineTable.Acquire(engine);
            RequireOut(outResult, "out");
            CheckFlags(flags, Flags.AntiSpoofing);
            CheckThreshold(threshold);

            FaceEngine e = entry.Engine;
            BgrImage first = ReadImage(e, image1, "image1");
            BgrImage second = ReadImage(e, image2, "image2");
            VerifyResult r = e.Verify(first, second, threshold > 0 ? threshold : null,
                (flags & Flags.AntiSpoofing) != 0);
            *outResult = ToNative(r);
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
        finally
        {
            entry?.Release();
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "face_verify_embeddings")]
    public static int VerifyEmbeddings(nint engine, float* embedding1, float* embedding2, nuint dim, float threshold,
        NativeVerifyResult* outResult)
    {
        EngineEntry? entry = null;
        try
        {
            RequireOut(outResult, "out");
            if (embedding1 is null || embedding2 is null)
                throw Invalid("embedding1 or embedding2 is NULL");
            if (dim == 0 || dim > 1 << 20)
                throw Invalid($"dim {dim} is not in [1, 1048576]");
            CheckThreshold(threshold);
            if (engine == 0 && !(threshold > 0))
                throw Invalid("engine is NULL and no threshold was given");

            var a = new ReadOnlySpan<float>(embedding1, (int)dim);
            var b = new ReadOnlySpan<float>(embedding2, (int)dim);
            VerifyResult r;
            if (engine == 0)
            {
                float distance = 1f - Kernels.Cosine.Similarity(a, b);
                r = new VerifyResult(distance < threshold, distance, threshold,
                    FaceEngine.ConfidenceOf(distance, threshold), "", null, null, 0, null, null);
            }
            else
            {
                entry = EngineTable.Acquire(engine);
                r = entry.Engine.CompareEmbeddings(a, b, threshold > 0 ? threshold : null);
            }
            *outResult = ToNative(r);
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
        finally
        {
            entry?.Release();
        }
    }

    // ---------------------------------------------------------------- analyze

    [UnmanagedCallersOnly(EntryPoint = "face_analyze")]
    public static int Analyze(nint engine, NativeImage* image, int flags, NativeAnalysisResult** outResult)
    {
        EngineEntry? entry = null;
        try
        {
            if (outResult is null)
                throw Invalid("out is NULL");
            *outResult = null;
            entry = EngineTable.Acquire(engine);
            CheckFlags(flags, Flags.Analyze);

            FaceEngine e = entry.Engine;
            if ((flags & Flags.RequireAttributes) != 0 && !e.HasAttributes)
                throw new FaceException(FaceErrorKind.NoAttributeModel,
                    "age/gender was required but no attribute model is loaded: use a pack with one " +
                    "(e.g. 'default') or set the age and gender model paths");
            IReadOnlyList<FaceAnalysis> faces = e.Analyze(ReadImage(e, image),
                antiSpoofing: (flags & Flags.AntiSpoofing) != 0, attributes: (flags & Flags.NoAttributes) == 0);

            // One allocation: the header, then the array it points into.
            nuint size = (nuint)sizeof(NativeAnalysisResult) + (nuint)faces.Count * (nuint)sizeof(NativeAnalysis);
            var result = (NativeAnalysisResult*)NativeMemory.AllocZeroed(size);
            result->Count = (nuint)faces.Count;
            result->Faces = faces.Count == 0 ? null : (NativeAnalysis*)(result + 1);
            for (int i = 0; i < faces.Count; i++)
                result->Faces[i] = ToNative(faces[i]);

            s_results[(nint)result] = 0;
            *outResult = result;
            LastError.Clear();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.From(e);
        }
        finally
        {
            entry?.Release();
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "face_analysis_free")]
    public static void AnalysisFree(NativeAnalysisResult* result)
    {
        try
        {
            if (result is not null && s_results.TryRemove((nint)result, out _))
                NativeMemory.Free(result);
            else if (result is not null)
                FaceLog.Write(FaceLogLevel.Warning,
                    $"face_analysis_free: 0x{(nint)result:x} is not a live analysis result; ignored");
            LastError.Clear();
        }
        catch (Exception e)
        {
            LastError.From(e);
        }
    }

    // ---------------------------------------------------------------- diagnostics

    [UnmanagedCallersOnly(EntryPoint = "face_live_handles")]
    public static long LiveHandles() => EngineTable.Count + s_results.Count;

    // ---------------------------------------------------------------- translation helpers

    private static BgrImage ReadImage(FaceEngine engine, NativeImage* image, string name = "image")
    {
        if (image is null)
            throw Invalid($"{name} is NULL");
        if (image->Data is null || image->Size == 0)
            throw Invalid($"{name} data is NULL or its size is 0");
        if (image->Size > int.MaxValue)
            throw new FaceException(FaceErrorKind.TooLarge, $"{name} is {image->Size} bytes, over 2 GiB");

        var bytes = new ReadOnlySpan<byte>(image->Data, (int)image->Size);
        if (image->Format == NativeImage.Encoded)
            return engine.Decode(bytes);
        if (image->Format is < (int)PixelFormat.Bgr24 or > (int)PixelFormat.Bgra32)
            throw Invalid($"{name} format {image->Format} is not FACE_IMAGE_ENCODED or a FACE_PIXEL_* value");
        return engine.FromPixels(bytes, image->Width, image->Height, image->Stride, (PixelFormat)image->Format);
    }

    /// <summary>Which length the recognizer's embeddings have: one embedding of a synthetic face
    /// placed on the alignment template (the models don't all declare their output size).</summary>
    private static int ProbeEmbeddingDim(FaceEngine engine)
    {
        const int size = 112;
        var pixels = new byte[size * size * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 251);
        PointF[] template =
        [
            new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f),
            new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
        ];
        var face = new DetectedFace(new FaceBox(0, 0, size, size), 1f, template);
        return engine.EmbedFaces(new BgrImage(size, size, pixels), [face])[0].Length;
    }

    private static NativeDetection ToNative(DetectedFace face)
    {
        var d = new NativeDetection { Box = ToNative(face.Box), Score = face.Score };
        for (int i = 0; i < 5 && i < face.Landmarks.Length; i++)
        {
            d.Landmarks[2 * i] = face.Landmarks[i].X;
            d.Landmarks[2 * i + 1] = face.Landmarks[i].Y;
        }
        return d;
    }

    private static NativeBox ToNative(FaceBox? box) =>
        box is { } b ? new NativeBox { X1 = b.X1, Y1 = b.Y1, X2 = b.X2, Y2 = b.Y2 } : default;

    private static NativeVerifyResult ToNative(VerifyResult r)
    {
        LivenessResult? l1 = r.Image1Liveness, l2 = r.Image2Liveness;
        return new NativeVerifyResult
        {
            Verified = r.Verified ? 1 : 0,
            Distance = r.Distance,
            Threshold = r.Threshold,
            Confidence = r.Confidence,
            Box1 = ToNative(r.Image1Box),
            Box2 = ToNative(r.Image2Box),
            ProcessingTimeMs = r.ProcessingTimeMs,
            LivenessChecked = l1 is not null && l2 is not null ? 1 : 0,
            IsReal1 = l1 is { IsReal: true } ? 1 : 0,
            IsReal2 = l2 is { IsReal: true } ? 1 : 0,
            RealScore1 = l1?.RealScore ?? 0,
            RealScore2 = l2?.RealScore ?? 0,
        };
    }

    private static NativeAnalysis ToNative(FaceAnalysis f) => new()
    {
        Face = ToNative(f.Face),
        HasAgeGender = f.AgeGender is not null ? 1 : 0,
        Age = f.AgeGender?.Age ?? 0,
        MaleProbability = f.AgeGender?.MaleProbability ?? 0,
        IsMale = f.AgeGender is { IsMale: true } ? 1 : 0,
        HasLiveness = f.Liveness is not null ? 1 : 0,
        IsReal = f.Liveness is { IsReal: true } ? 1 : 0,
        RealScore = f.Liveness?.RealScore ?? 0,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RequireOut(void* p, string name)
    {
        if (p is null) throw Invalid($"{name} is NULL");
    }

    private static void CheckFlags(int flags, int allowed)
    {
        if ((flags & ~allowed) != 0)
            throw Invalid($"flags 0x{flags:x} include bits this function does not know (allowed 0x{allowed:x})");
    }

    private static void CheckThreshold(float threshold)
    {
        if (!float.IsFinite(threshold) || threshold < 0 || threshold > 2)
            throw Invalid($"threshold {threshold} is not 0 (default) or a cosine distance in (0, 2]");
    }

    private static FaceException Invalid(string message) => new(FaceErrorKind.InvalidArgument, message);
}

/// <summary>Carries a C log callback and its user data together, so replacing the callback
/// swaps both at once.</summary>
internal sealed unsafe class LogForwarder(delegate* unmanaged<int, byte*, void*, void> callback, void* userData)
{
    private readonly delegate* unmanaged<int, byte*, void*, void> _callback = callback;
    private readonly void* _userData = userData;

    public void Write(FaceLogLevel level, string message)
    {
        byte* text = NativeText.Static(message);
        try
        {
            _callback((int)level, text, _userData);
        }
        finally
        {
            NativeText.Free(text);
        }
    }
}
