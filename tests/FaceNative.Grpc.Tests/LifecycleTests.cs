using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FaceNative.Grpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace FaceNative.Grpc.Tests;

/// <summary>Loading, failing to load, unloading and starting: each test runs its own server.</summary>
public sealed class LifecycleTests
{
    private static DateTime Deadline => ServerProcess.Deadline();

    [Fact]
    public void Server_IsPublishedNativeAot()
    {
        (_, bool published, string description) = ServerProcess.Locate();
        Assert.True(published, $"these tests ran against the {description}; the acceptance needs the NativeAOT binary");
    }

    [Fact]
    public void Status_BeforeLoad_UninitializedThenReady()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        Assert.Equal(StatusResponse.Types.State.Uninitialized,
            client.Status(new HealthMessage(), deadline: Deadline).State);
        Assert.True(server.LoadDefault(client).Success, server.Log);
        StatusResponse ready = client.Status(new HealthMessage(), deadline: Deadline);
        Assert.Equal(StatusResponse.Types.State.Ready, ready.State);
        Assert.True(ready.Memory.Total > 0);
    }

    [Fact]
    public void FaceMethods_BeforeLoad_FailedPrecondition()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        string photo = TestPaths.PhotoBase64(Photos.PersonA3);
        var embed = new PredictOptions();
        embed.Images.Add(photo);
        var calls = new Action[]
        {
            () => client.Embedding(embed, deadline: Deadline),
            () => client.Detect(new DetectOptions { Src = photo }, deadline: Deadline),
            () => client.FaceVerify(new FaceVerifyRequest { Img1 = photo, Img2 = photo }, deadline: Deadline),
            () => client.FaceAnalyze(new FaceAnalyzeRequest { Img = photo }, deadline: Deadline),
        };
        foreach (Action call in calls)
        {
            var e = Assert.Throws<RpcException>(call);
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.Contains("face model not loaded", e.Status.Detail);
        }
    }

    [Fact]
    public void LoadModel_MissingModelFile_FailsInResultAndServerStaysUsable()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        string empty = Directory.CreateTempSubdirectory("facenative-empty-").FullName;
        try
        {
            var bad = new ModelOptions { Model = "face", ModelPath = empty };
            bad.Options.Add("engine:onnx_direct");
            bad.Options.Add("detector_onnx:no_such_detector.onnx");
            bad.Options.Add("recognizer_onnx:w600k_mbf_uint8_dynamic.onnx");
            Result failed = client.LoadModel(bad, deadline: Deadline);
            Assert.False(failed.Success);
            Assert.StartsWith("Failed to load face engine:", failed.Message);
            Assert.Contains("no_such_detector.onnx", failed.Message);

            Assert.Equal("OK", client.Health(new HealthMessage(), deadline: Deadline).Message.ToStringUtf8());
            Assert.Equal(StatusResponse.Types.State.Uninitialized,
                client.Status(new HealthMessage(), deadline: Deadline).State);

            Assert.True(server.LoadDefault(client).Success, server.Log);
            var embed = new PredictOptions();
            embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA3));
            Assert.NotEmpty(client.Embedding(embed, deadline: Deadline).Embeddings);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Theory]
    [InlineData("model_pack:no_such_pack", "no_such_pack")]
    [InlineData("det_size:big", "det_size")]
    [InlineData("det_thresh:1.5", "det_thresh")]
    [InlineData("engine:tensorflow", "engine")]
    [InlineData("engine:onnx_direct", "detector_onnx")]
    [InlineData("detector_onnx:det\0.onnx", "NUL")] // found by fuzz/run.sh load: ArgumentException before
    public void LoadModel_BadOption_FailsNamingIt(string option, string named)
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        Result r = server.LoadDefault(client, "face", option);
        Assert.False(r.Success);
        Assert.Contains(named, r.Message);
        Assert.Equal(StatusResponse.Types.State.Uninitialized,
            client.Status(new HealthMessage(), deadline: Deadline).State);
    }

    [Fact]
    public void LoadModel_ReferenceBackendOptions_OnnxDirect()
    {
        // The shape of a LocalAI gallery entry for the reference backend's onnx_direct engine.
        using var server = ServerProcess.Start();
        var client = server.Client();
        Result r = server.LoadDefault(client, "face-direct",
            "engine:onnx_direct", "detector_onnx:scrfd_2.5g_kps.onnx",
            "recognizer_onnx:w600k_mbf_uint8_dynamic.onnx", "antispoof_v2_onnx:MiniFASNetV2.onnx",
            "antispoof_v1se_onnx:MiniFASNetV1SE.onnx", "antispoof_threshold:0.5", "det_size:640x640",
            "det_thresh:0.5", "verify_threshold:0.5", "not-a-key-value-entry", "unknown_key:1");
        Assert.True(r.Success, r.Message + "\n" + server.Log);

        FaceVerifyResponse v = client.FaceVerify(new FaceVerifyRequest
        {
            Img1 = TestPaths.PhotoBase64(Photos.Live),
            Img2 = TestPaths.PhotoBase64(Photos.Live),
            AntiSpoofing = true,
        }, deadline: Deadline);
        Assert.Equal(0.5f, v.Threshold);
        Assert.True(v.Img1IsReal);

        // onnx_direct loads only what it names: no attribute model, so no age or gender.
        Protocol.FaceAnalysis f = Assert.Single(client.FaceAnalyze(
            new FaceAnalyzeRequest { Img = TestPaths.PhotoBase64(Photos.PersonA3) }, deadline: Deadline).Faces);
        Assert.Equal(0f, f.Age);
        Assert.Equal("", f.DominantGender);
    }

    [Fact]
    public void AntiSpoofing_WithoutLivenessModels_FailedPreconditionSaysHowToLoad()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        Result r = server.LoadDefault(client, "face-min", "engine:onnx_direct",
            "detector_onnx:scrfd_2.5g_kps.onnx", "recognizer_onnx:w600k_mbf_uint8_dynamic.onnx");
        Assert.True(r.Success, r.Message);

        string photo = TestPaths.PhotoBase64(Photos.Live);
        var verify = Assert.Throws<RpcException>(() => client.FaceVerify(
            new FaceVerifyRequest { Img1 = photo, Img2 = photo, AntiSpoofing = true }, deadline: Deadline));
        var analyze = Assert.Throws<RpcException>(() => client.FaceAnalyze(
            new FaceAnalyzeRequest { Img = photo, AntiSpoofing = true }, deadline: Deadline));
        foreach (RpcException e in new[] { verify, analyze })
        {
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.Contains("antispoof_v2_onnx", e.Status.Detail);
        }
        Assert.False(client.FaceVerify(new FaceVerifyRequest { Img1 = photo, Img2 = photo }, deadline: Deadline)
            .Img1IsReal);
    }

    [Fact]
    public void LoadModel_InsightFaceRootAndModelPack_ResolveAgainstModelPath()
    {
        // InsightFace keeps packs under ROOT/models/NAME/: a pack file naming NAME/… files must
        // find them through root. Links into the shared models stand in for a real pack.
        string root = Directory.CreateTempSubdirectory("facenative-root-").FullName;
        try
        {
            string packDir = Path.Combine(root, "models", "mypack");
            Directory.CreateDirectory(packDir);
            foreach (string f in new[] { "scrfd_2.5g_kps.onnx", "w600k_mbf_uint8_dynamic.onnx" })
                File.CreateSymbolicLink(Path.Combine(packDir, f), Path.Combine(TestPaths.ModelsDirectory, f));
            File.WriteAllText(Path.Combine(root, "mypack.pack"),
                "name = mypack\ndetector = mypack/scrfd_2.5g_kps.onnx\n" +
                "recognizer = mypack/w600k_mbf_uint8_dynamic.onnx\n");

            using var server = ServerProcess.Start();
            var client = server.Client();
            var request = new ModelOptions { Model = "face", ModelPath = root };
            request.Options.Add("model_pack:mypack.pack");
            request.Options.Add("root:.");
            Result r = client.LoadModel(request, deadline: Deadline);
            Assert.True(r.Success, r.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(4, new string[0], "threads per model: 2; concurrency: 2")]
    [InlineData(4, new[] { "threads:3" }, "threads per model: 3; concurrency: 2")]
    [InlineData(4, new[] { "concurrency:4" }, "threads per model: 1; concurrency: 4")]
    [InlineData(0, new[] { "concurrency:1" }, "concurrency: 1")]
    public void LoadModel_ThreadBudget_SplitAcrossParallelRequests(int threads, string[] options, string logged)
    {
        using var server = ServerProcess.Start(null, "--max-concurrency", "2");
        var client = server.Client();
        var request = new ModelOptions { Model = "face", ModelPath = TestPaths.ModelsDirectory, Threads = threads };
        request.Options.AddRange(options);
        request.Options.Add("skip_optional:true");
        Assert.True(client.LoadModel(request, deadline: Deadline).Success, server.Log);
        Assert.True(server.WaitForLog(logged), $"'{logged}' not in the server log:\n{server.Log}");
    }

    [Fact]
    public void LoadModel_Cuda_LoadsWithCpuFallbackWhereCudaIsMissing()
    {
        // The build ships the CPU ONNX Runtime, so CUDA can't start here: LoadModel must still
        // succeed, on the CPU, and say so in the log.
        using var server = ServerProcess.Start();
        var client = server.Client();
        var request = new ModelOptions { Model = "face", ModelPath = TestPaths.ModelsDirectory, CUDA = true };
        request.Options.Add("skip_optional:true");
        Result r = client.LoadModel(request, deadline: Deadline);
        Assert.True(r.Success, r.Message + "\n" + server.Log);
        var embed = new PredictOptions();
        embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA3));
        Assert.NotEmpty(client.Embedding(embed, deadline: Deadline).Embeddings);
        Assert.True(server.WaitForLog("CUDA unavailable"), server.Log);
    }

    [Fact]
    public void LoadModel_Again_ReplacesModelAndAFailedReloadKeepsIt()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        string photo = TestPaths.PhotoBase64(Photos.PersonA3);
        Assert.True(server.LoadDefault(client, "first").Success);
        Assert.True(server.LoadDefault(client, "second", "pack:fast").Success);

        var asFirst = new DetectOptions { Src = photo, ModelIdentity = "first" };
        Assert.Equal(StatusCode.NotFound,
            Assert.Throws<RpcException>(() => client.Detect(asFirst, deadline: Deadline)).StatusCode);

        // A load that fails leaves the working model in place rather than nothing.
        Assert.False(server.LoadDefault(client, "third", "model_pack:no_such_pack").Success);
        var asSecond = new DetectOptions { Src = photo, ModelIdentity = "second" };
        Assert.NotEmpty(client.Detect(asSecond, deadline: Deadline).Detections);
    }

    [Fact]
    public void Free_UnloadsThenReloadWorks()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        Assert.True(server.LoadDefault(client).Success);
        Assert.True(client.Free(new HealthMessage(), deadline: Deadline).Success);
        Assert.Equal(StatusResponse.Types.State.Uninitialized,
            client.Status(new HealthMessage(), deadline: Deadline).State);
        var embed = new PredictOptions();
        embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA3));
        Assert.Equal(StatusCode.FailedPrecondition,
            Assert.Throws<RpcException>(() => client.Embedding(embed, deadline: Deadline)).StatusCode);

        Assert.True(server.LoadDefault(client).Success);
        Assert.NotEmpty(client.Embedding(embed, deadline: Deadline).Embeddings);
    }

    [Fact]
    public async Task Free_DuringRequests_RequestsFinishOrFailCleanly()
    {
        using var server = ServerProcess.Start();
        var client = server.Client();
        Assert.True(server.LoadDefault(client).Success);
        var embed = new PredictOptions();
        embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA3));

        Task<StatusCode>[] calls = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try
            {
                await client.EmbeddingAsync(embed, deadline: Deadline);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        })).ToArray();
        await Task.Delay(50);
        Assert.True((await client.FreeAsync(new HealthMessage(), deadline: Deadline)).Success);
        await Task.WhenAll(calls);

        // A request that got the engine before Free finishes; a later one finds nothing loaded.
        Assert.All(calls, c => Assert.Contains(c.Result, new[] { StatusCode.OK, StatusCode.FailedPrecondition }));
        Assert.Equal("OK", client.Health(new HealthMessage(), deadline: Deadline).Message.ToStringUtf8());
    }

    [Fact]
    public void RunScript_StartsServerAsLocalAiDoes()
    {
        string runSh = Path.Combine(TestPaths.RepoRoot, "dist", "backend", "run.sh");
        Assert.True(File.Exists(runSh), $"{runSh} is missing: run ./build.sh");

        int port = FreePort();
        var info = new ProcessStartInfo(runSh) { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--addr");
        info.ArgumentList.Add($"127.0.0.1:{port}");
        using Process process = Process.Start(info)!;
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new Backend.BackendClient(channel);

            // LocalAI polls Health until the backend answers; bounded here to 60 s.
            string? answer = null;
            for (int attempt = 0; attempt < 300 && answer is null && !process.HasExited; attempt++)
            {
                try
                {
                    Reply reply = client.Health(new HealthMessage(), deadline: ServerProcess.Deadline(2));
                    answer = reply.Message.ToStringUtf8();
                }
                catch (RpcException)
                {
                    Thread.Sleep(200);
                }
            }
            Assert.True(answer == "OK", $"no Health answer from run.sh on port {port}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    [Theory]
    [InlineData(new string[0], "--addr")]
    [InlineData(new[] { "--addr", "127.0.0.1" }, "HOST:PORT")]
    [InlineData(new[] { "--addr", "127.0.0.1:0", "--max-concurrency", "0" }, "concurrency")]
    [InlineData(new[] { "--bogus" }, "--bogus")]
    public void BadArguments_ExitNonZeroWithUsage(string[] args, string mentioned)
    {
        (string path, _, _) = ServerProcess.Locate();
        var info = new ProcessStartInfo(path) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process process = Process.Start(info)!;
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(mentioned, stderr);
        Assert.Contains("usage:", stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
