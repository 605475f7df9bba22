using FaceNative.Detection;
using FaceNative.Geometry;
using FaceNative.Grpc.Protocol;
using FaceNative.Imaging;
using Google.Protobuf;
using Grpc.Core;

namespace FaceNative.Grpc;

/// <summary>
/// LocalAI's <c>backend.Backend</c> service for faces, with the reference Python backend's
/// semantics (see docs/localai.md). Face requests run in parallel up to the concurrency limit.
/// </summary>
public sealed class BackendService(ModelHost host, VectorStore store, ServerSettings settings, ServerLog log)
    : Backend.BackendBase
{
    private static readonly ByteString s_ok = ByteString.CopyFromUtf8("OK");

    // Core's missing-model message advises the CLI's flags; a LocalAI user configures a YAML.
    private const string CliHint = "Pass --models DIR or set FACENATIVE_MODELS, or run 'facenative models fetch'.";
    private const string ServerHint =
        "Put the file in the model's ModelPath (LocalAI's models folder) or name it with a LoadModel option.";

    public override Task<Reply> Health(HealthMessage request, ServerCallContext context) =>
        Task.FromResult(new Reply { Message = s_ok });

    public override async Task<Result> LoadModel(ModelOptions request, ServerCallContext context)
    {
        LoadRequest load;
        try
        {
            load = LoadRequest.From(request, settings.MaxConcurrency);
            foreach (string key in load.Ignored) log.Info($"LoadModel: ignoring unknown option '{key}'");
            var started = System.Diagnostics.Stopwatch.StartNew();
            await host.LoadAsync(request.Model ?? "", () => FaceEngine.Load(load.Engine),
                load.MaxConcurrency ?? settings.MaxConcurrency);
            log.Info($"loaded '{request.Model}' (pack {load.Engine.Pack}; " +
                     $"threads per model: {load.Engine.Threads}; " +
                     $"concurrency: {load.MaxConcurrency ?? settings.MaxConcurrency}) " +
                     $"in {started.ElapsedMilliseconds} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The reference backend answers a failed load in the Result, not as a gRPC error,
            // and stays up for a corrected LoadModel.
            string message = e.Message.Replace(CliHint, ServerHint, StringComparison.Ordinal);
            log.Warn($"LoadModel failed: {message}");
            return new Result { Success = false, Message = $"Failed to load face engine: {message}" };
        }
        return new Result { Success = true, Message = "Face engine loaded" };
    }

    public override Task<StatusResponse> Status(HealthMessage request, ServerCallContext context)
    {
        var state = host.IsLoading ? StatusResponse.Types.State.Busy
            : host.IsLoaded ? StatusResponse.Types.State.Ready
            : StatusResponse.Types.State.Uninitialized;
        ulong rss = ProcessMemory.ResidentBytes();
        var memory = new MemoryUsageData { Total = rss };
        memory.Breakdown["rss"] = rss;
        memory.Breakdown["managed_heap"] = (ulong)GC.GetTotalMemory(false);
        return Task.FromResult(new StatusResponse { State = state, Memory = memory });
    }

    public override async Task<Result> Free(HealthMessage request, ServerCallContext context)
    {
        await host.FreeAsync();
        return new Result { Success = true, Message = "Face engine unloaded" };
    }

    public override Task<EmbeddingResult> Embedding(PredictOptions request, ServerCallContext context) =>
        RunAsync(request.ModelIdentity, context, engine =>
        {
            string? first = request.Images.Count > 0 ? request.Images[0] : null;
            BgrImage image = DecodeImage(engine, first, "image");
            float[] vector = engine.Embed(image).Embedding;
            var result = new EmbeddingResult
            {
                Dim = vector.Length,
                Tokens = 1,
                Layout = EmbeddingLayout.Final,
            };
            result.Embeddings.Add(vector);
            return result;
        });

    public override Task<DetectResponse> Detect(DetectOptions request, ServerCallContext context) =>
        RunAsync(request.ModelIdentity, context, engine =>
        {
            if (float.IsNaN(request.Threshold))
                throw new FaceException(FaceErrorKind.InvalidArgument, "threshold is not a number");
            BgrImage image = DecodeImage(engine, request.Src, "src");
            var response = new DetectResponse();

            // A score is at most 1, so a stricter threshold than that finds nothing.
            if (request.Threshold > 1) return response;
            float? threshold = request.Threshold > 0 ? request.Threshold : null;
            foreach (DetectedFace face in engine.Detect(image, threshold))
            {
                response.Detections.Add(new Protocol.Detection
                {
                    X = face.Box.X1,
                    Y = face.Box.Y1,
                    Width = face.Box.Width,
                    Height = face.Box.Height,
                    Confidence = face.Score,
                    ClassName = "face",
                });
            }
            return response;
        });

    public override Task<FaceVerifyResponse> FaceVerify(FaceVerifyRequest request, ServerCallContext context) =>
        RunAsync(request.ModelIdentity, context, engine =>
        {
            if (request.AntiSpoofing && !engine.HasLiveness) throw NoLiveness();
            BgrImage image1 = DecodeImage(engine, request.Img1, "img1");
            BgrImage image2 = DecodeImage(engine, request.Img2, "img2");
            float? threshold = request.Threshold > 0 ? request.Threshold : null;
            VerifyResult r = engine.Verify(image1, image2, threshold, request.AntiSpoofing);

            var response = new FaceVerifyResponse
            {
                Verified = r.Verified,
                Distance = r.Distance,
                Threshold = r.Threshold,
                Confidence = r.Confidence,
                Model = r.Model,
                Img1Area = Area(r.Image1Box),
                Img2Area = Area(r.Image2Box),
                ProcessingTimeMs = r.ProcessingTimeMs,
            };
            if (r.Image1Liveness is { } live1)
            {
                response.Img1IsReal = live1.IsReal;
                response.Img1AntispoofScore = live1.RealScore;
            }
            if (r.Image2Liveness is { } live2)
            {
                response.Img2IsReal = live2.IsReal;
                response.Img2AntispoofScore = live2.RealScore;
            }
            return response;
        });

    public override Task<FaceAnalyzeResponse> FaceAnalyze(FaceAnalyzeRequest request, ServerCallContext context) =>
        RunAsync(request.ModelIdentity, context, engine =>
        {
            if (request.AntiSpoofing && !engine.HasLiveness) throw NoLiveness();

            // Empty actions means every supported one; emotion and race have no model here and
            // are left empty, as the reference backend does.
            bool all = request.Actions.Count == 0;
            bool age = all || request.Actions.Contains("age");
            bool gender = all || request.Actions.Contains("gender");

            BgrImage image = DecodeImage(engine, request.Img, "img");
            var response = new FaceAnalyzeResponse();
            foreach (FaceAnalysis face in engine.Analyze(image, request.AntiSpoofing, age || gender))
            {
                var analysis = new Protocol.FaceAnalysis
                {
                    Region = Area(face.Face.Box),
                    FaceConfidence = face.Face.Score,
                };
                if (face.AgeGender is { } ag)
                {
                    if (age) analysis.Age = ag.Age;
                    if (gender)
                    {
                        // Percentages, as DeepFace (whose field names LocalAI adopted) reports them.
                        analysis.DominantGender = ag.IsMale ? "Man" : "Woman";
                        analysis.Gender["Man"] = ag.MaleProbability * 100f;
                        analysis.Gender["Woman"] = (1f - ag.MaleProbability) * 100f;
                    }
                }
                if (face.Liveness is { } live)
                {
                    analysis.IsReal = live.IsReal;
                    analysis.AntispoofScore = live.RealScore;
                }
                response.Faces.Add(analysis);
            }
            return response;
        });

    public override Task<Result> StoresSet(StoresSetOptions request, ServerCallContext context) =>
        Task.FromResult(Stores(() =>
        {
            store.Set(request.Keys.Select(k => k.Floats.ToArray()).ToList(),
                request.Values.Select(v => v.Bytes.ToByteArray()).ToList());
            return new Result { Success = true };
        }));

    public override Task<Result> StoresDelete(StoresDeleteOptions request, ServerCallContext context) =>
        Task.FromResult(Stores(() =>
        {
            int removed = store.Delete(request.Keys.Select(k => k.Floats.ToArray()));
            return new Result { Success = true, Message = $"{removed} deleted" };
        }));

    public override Task<StoresGetResult> StoresGet(StoresGetOptions request, ServerCallContext context) =>
        Task.FromResult(Stores(() =>
        {
            var result = new StoresGetResult();
            foreach (VectorStore.Entry e in store.Get(request.Keys.Select(k => k.Floats.ToArray())))
            {
                result.Keys.Add(Key(e.Key));
                result.Values.Add(new StoresValue { Bytes = ByteString.CopyFrom(e.Value) });
            }
            return result;
        }));

    public override Task<StoresFindResult> StoresFind(StoresFindOptions request, ServerCallContext context) =>
        Task.FromResult(Stores(() =>
        {
            float[] query = request.Key?.Floats.ToArray() ?? [];
            if (query.Length == 0) throw new FaceException(FaceErrorKind.InvalidArgument, "Key is required");
            var result = new StoresFindResult();
            foreach ((VectorStore.Entry e, float similarity) in store.Find(query, request.TopK))
            {
                result.Keys.Add(Key(e.Key));
                result.Values.Add(new StoresValue { Bytes = ByteString.CopyFrom(e.Value) });
                result.Similarities.Add(similarity);
            }
            return result;
        }));

    private static StoresKey Key(float[] floats)
    {
        var key = new StoresKey();
        key.Floats.Add(floats);
        return key;
    }

    private static T Stores<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (FaceException e)
        {
            throw RpcErrors.From(e);
        }
    }

    /// <summary>Common frame of every face request: loaded? right model? then wait for a slot
    /// under the concurrency limit and run the synchronous engine work.</summary>
    private async Task<T> RunAsync<T>(string? modelIdentity, ServerCallContext context, Func<FaceEngine, T> work)
    {
        using ModelHost.Lease lease = host.TryAcquire() ?? throw RpcErrors.NotLoaded();
        if (!string.IsNullOrEmpty(modelIdentity) && lease.ModelName.Length > 0
            && !string.Equals(modelIdentity, lease.ModelName, StringComparison.Ordinal))
            throw RpcErrors.IdentityMismatch(modelIdentity, lease.ModelName);

        await lease.EnterAsync(context.CancellationToken);
        try
        {
            return work(lease.Engine);
        }
        catch (FaceException e)
        {
            throw RpcErrors.From(e);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            log.Warn($"{context.Method}: {e}");
            throw new RpcException(new Status(StatusCode.Internal, $"internal error: {e.Message}"));
        }
    }

    private static BgrImage DecodeImage(FaceEngine engine, string? text, string which)
    {
        byte[] bytes = ImagePayload.Decode(text, which);
        try
        {
            return engine.Decode(bytes);
        }
        catch (FaceException e) when (e.Kind is FaceErrorKind.Decode or FaceErrorKind.InvalidArgument
                                          or FaceErrorKind.TooLarge)
        {
            // Core says "image"; with two images the caller needs to know which one.
            throw which == "image" ? e : new FaceException(e.Kind, $"{which}: {e.Message}", e);
        }
    }

    private static FacialArea? Area(FaceBox? box) =>
        box is { } b ? new FacialArea { X = b.X1, Y = b.Y1, W = b.Width, H = b.Height } : null;

    private static FaceException NoLiveness() => new(FaceErrorKind.NoLivenessModel,
        "anti_spoofing was requested but no liveness model is loaded: load the 'default' pack with " +
        "MiniFASNetV2.onnx / MiniFASNetV1SE.onnx in the models folder, or pass the LoadModel options " +
        "antispoof_v2_onnx:<file> and/or antispoof_v1se_onnx:<file>");
}
