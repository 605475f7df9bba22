using System.Diagnostics;
using FaceNative.Grpc.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace FaceNative.Grpc.Tests;

/// <summary>The acceptance sequence, in the order LocalAI drives a face backend, against
/// a fresh server started the way LocalAI starts one.</summary>
public sealed class LocalAiSequenceTests(ITestOutputHelper output)
{
    [Fact]
    public void LocalAiSequence_HealthLoadEmbedDetectVerifyAnalyze()
    {
        var clock = Stopwatch.StartNew();
        using var server = ServerProcess.Start();
        string context = $"[{server.Description}]";
        var client = server.Client();

        // 1. Health until it answers, then LoadModel with a gallery entry's options.
        Reply health = client.Health(new HealthMessage(), deadline: ServerProcess.Deadline());
        Assert.Equal("OK", health.Message.ToStringUtf8());
        var load = new ModelOptions { Model = "face-recognition", ModelPath = TestPaths.ModelsDirectory, Threads = 2 };
        load.Options.AddRange(["engine:onnx_direct", "detector_onnx:scrfd_2.5g_kps.onnx",
            "recognizer_onnx:w600k_mbf_uint8_dynamic.onnx", "antispoof_v2_onnx:MiniFASNetV2.onnx",
            "antispoof_v1se_onnx:MiniFASNetV1SE.onnx", "det_size:640x640", "det_thresh:0.5"]);
        Result loaded = client.LoadModel(load, deadline: ServerProcess.Deadline());
        Assert.True(loaded.Success, loaded.Message + " " + context);
        Assert.Equal(StatusResponse.Types.State.Ready, client.Status(new HealthMessage()).State);
        output.WriteLine($"process start → READY: {clock.ElapsedMilliseconds} ms ({context})");

        // 2. Embedding: unit norm.
        var embed = new PredictOptions { ModelIdentity = "face-recognition" };
        embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA1));
        EmbeddingResult e = client.Embedding(embed, deadline: ServerProcess.Deadline());
        Assert.True(Math.Abs(e.Embeddings.Sum(x => (double)x * x) - 1) < 1e-4, context);

        // 3. Detect: class "face".
        DetectResponse d = client.Detect(new DetectOptions { Src = TestPaths.PhotoBase64(Photos.TwoPeople) },
            deadline: ServerProcess.Deadline());
        Assert.Equal(2, d.Detections.Count);
        Assert.All(d.Detections, x => Assert.Equal("face", x.ClassName));

        // 4. FaceVerify at the loaded default threshold: same photo, same person, different people.
        FaceVerifyResponse same = Verify(client, Photos.PersonA1, Photos.PersonA1);
        FaceVerifyResponse person = Verify(client, Photos.PersonA1, Photos.PersonA2);
        FaceVerifyResponse other = Verify(client, Photos.PersonA1, Photos.PersonB1);
        output.WriteLine($"distances: same photo {same.Distance}, same person {person.Distance}, " +
                         $"different {other.Distance}; threshold {same.Threshold}");
        Assert.True(same.Distance < 1e-3f && same.Verified, context);
        Assert.True(person.Distance < person.Threshold && person.Verified, context);
        Assert.True(other.Distance > other.Threshold && !other.Verified, context);

        // 5. FaceVerify with anti_spoofing on the live and the spoof photo.
        FaceVerifyResponse live = Verify(client, Photos.Live, Photos.Live, antiSpoofing: true);
        FaceVerifyResponse spoof = Verify(client, Photos.Spoof, Photos.Spoof, antiSpoofing: true);
        output.WriteLine($"antispoof scores: live {live.Img1AntispoofScore}, spoof {spoof.Img1AntispoofScore}");
        Assert.True(live.Img1IsReal && live.Verified, context);
        Assert.True(!spoof.Img1IsReal && !spoof.Verified, context);

        // 6. FaceAnalyze: a region and confidence per face.
        FaceAnalyzeResponse a = client.FaceAnalyze(new FaceAnalyzeRequest
        {
            Img = TestPaths.PhotoBase64(Photos.TwoPeople),
            AntiSpoofing = true,
        }, deadline: ServerProcess.Deadline());
        Assert.Equal(2, a.Faces.Count);
        Assert.All(a.Faces, f => Assert.True(f.Region.W > 0 && f.FaceConfidence > 0 && f.AntispoofScore > 0));

        Assert.True(client.Free(new HealthMessage()).Success);
    }

    private static FaceVerifyResponse Verify(Backend.BackendClient client, string a, string b,
        bool antiSpoofing = false) =>
        client.FaceVerify(new FaceVerifyRequest
        {
            Img1 = TestPaths.PhotoBase64(a),
            Img2 = TestPaths.PhotoBase64(b),
            AntiSpoofing = antiSpoofing,
            ModelIdentity = "face-recognition",
        }, deadline: ServerProcess.Deadline());
}
