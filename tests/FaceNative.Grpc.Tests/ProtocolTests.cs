using FaceNative.Grpc.Protocol;
using Grpc.Core;
using Xunit;

namespace FaceNative.Grpc.Tests;

/// <summary>Each method's happy path and error codes against a server with the default pack.</summary>
[Collection(LoadedServerCollection.Name)]
public sealed class ProtocolTests(LoadedServerFixture fixture)
{
    private Backend.BackendClient Client => fixture.Client;

    private static DateTime Deadline => ServerProcess.Deadline();

    [Fact]
    public void Health_AnswersOK()
    {
        Reply reply = Client.Health(new HealthMessage(), deadline: Deadline);
        Assert.True(reply.Message.ToStringUtf8() == "OK", fixture.Context);
    }

    [Fact]
    public void Status_Loaded_IsReadyWithResidentMemory()
    {
        StatusResponse status = Client.Status(new HealthMessage(), deadline: Deadline);
        Assert.Equal(StatusResponse.Types.State.Ready, status.State);
        Assert.True(status.Memory.Total > 10UL * 1024 * 1024, $"RSS {status.Memory.Total} bytes {fixture.Context}");
        Assert.Equal(status.Memory.Total, status.Memory.Breakdown["rss"]);
    }

    [Fact]
    public void Embedding_Photo_IsUnitNormWithDimTokensLayout()
    {
        EmbeddingResult r = Embed(Photos.PersonA1);
        double norm = r.Embeddings.Sum(x => (double)x * x);
        Assert.True(Math.Abs(norm - 1) < 1e-4, $"sum of squares {norm} {fixture.Context}");
        Assert.Equal(r.Embeddings.Count, r.Dim);
        Assert.True(r.Dim > 0);
        Assert.Equal(1, r.Tokens);
        Assert.Equal(EmbeddingLayout.Final, r.Layout);
    }

    [Fact]
    public void Embedding_DataUri_SameAsPlainBase64()
    {
        EmbeddingResult plain = Embed(Photos.PersonA3);
        var request = new PredictOptions();
        request.Images.Add("data:image/jpeg;base64," + TestPaths.PhotoBase64(Photos.PersonA3));
        EmbeddingResult uri = Client.Embedding(request, deadline: Deadline);
        Assert.Equal(plain.Embeddings, uri.Embeddings);
    }

    [Theory]
    [InlineData("data:text/plain;base64,")]
    [InlineData("data:application/octet-stream;base64,")]
    [InlineData("data:image/jpeg,")] // not base64-encoded
    public void Embedding_DataUriNotABase64Image_InvalidArgumentSaysWhy(string prefix)
    {
        var request = new PredictOptions();
        request.Images.Add(prefix + TestPaths.PhotoBase64(Photos.PersonA3));
        var e = Assert.Throws<RpcException>(() => Client.Embedding(request, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("data URI", e.Status.Detail);
    }

    [Fact]
    public void Embedding_NoImage_InvalidArgument()
    {
        var e = Assert.Throws<RpcException>(() => Client.Embedding(new PredictOptions(), deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Theory]
    [InlineData("aGVsbG8gd29ybGQ=")] // valid base64 of "hello world": not an image
    [InlineData("***not base64***")]
    public void Embedding_Undecodable_InvalidArgumentSaysDecode(string payload)
    {
        var request = new PredictOptions();
        request.Images.Add(payload);
        var e = Assert.Throws<RpcException>(() => Client.Embedding(request, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("failed to decode image", e.Status.Detail);
    }

    [Fact]
    public void Embedding_NoFace_NotFound()
    {
        var request = new PredictOptions();
        request.Images.Add(Convert.ToBase64String(TestImages.BlankPng()));
        var e = Assert.Throws<RpcException>(() => Client.Embedding(request, deadline: Deadline));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("no face detected", e.Status.Detail);
    }

    [Fact]
    public void Embedding_FortyMiBRequest_IsAcceptedUpToTheDecoder()
    {
        // 40 MiB of base64 is over gRPC's 4 MiB and Kestrel's ~28 MiB defaults but under the
        // 50 MiB LocalAI needs: it must reach the image decoder, not be refused for size.
        var request = new PredictOptions();
        request.Images.Add(new string('A', 40 * 1024 * 1024));
        var e = Assert.Throws<RpcException>(() => Client.Embedding(request, deadline: Deadline));
        Assert.True(e.StatusCode == StatusCode.InvalidArgument, $"{e.StatusCode}: {e.Status.Detail} {fixture.Context}");
        Assert.Contains("decode", e.Status.Detail);
    }

    [Theory]
    [InlineData(51 * 1024 * 1024)]
    [InlineData(60_000_000)]
    public void Embedding_OverFiftyMiB_ResourceExhausted_ServerStillServes(int length)
    {
        var request = new PredictOptions();
        request.Images.Add(new string('A', length));
        var e = Assert.Throws<RpcException>(() => Client.Embedding(request, deadline: Deadline));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);

        var next = new PredictOptions();
        next.Images.Add(TestPaths.PhotoBase64(Photos.PersonA3));
        Assert.NotEmpty(Client.Embedding(next, deadline: Deadline).Embeddings);
    }

    [Fact]
    public void Detect_TwoPeople_OneFaceDetectionEach()
    {
        DetectResponse r = Detect(Photos.TwoPeople);
        Assert.Equal(2, r.Detections.Count);
        foreach (Detection d in r.Detections)
        {
            Assert.Equal("face", d.ClassName);
            Assert.True(d.Width > 0 && d.Height > 0, $"box {d}");
            Assert.InRange(d.Confidence, 0f, 1f);
        }
        Assert.True(r.Detections[0].Confidence >= r.Detections[1].Confidence, "score-descending");
    }

    [Fact]
    public void Detect_Threshold_IsHonoured()
    {
        DetectResponse normal = Detect(Photos.TwoPeople);
        DetectResponse loose = Detect(Photos.TwoPeople, 0.05f);
        DetectResponse strict = Detect(Photos.TwoPeople, 0.999f);
        Assert.True(loose.Detections.Count >= normal.Detections.Count);
        Assert.All(loose.Detections, d => Assert.True(d.Confidence >= 0.05f));
        Assert.All(strict.Detections, d => Assert.True(d.Confidence >= 0.999f, $"{d}"));

        // No detector score exceeds 1, so a threshold above it finds nothing.
        Assert.Empty(Detect(Photos.TwoPeople, 1.5f).Detections);
    }

    [Fact]
    public void Detect_NoFace_EmptyList()
    {
        var request = new DetectOptions { Src = Convert.ToBase64String(TestImages.BlankPng()) };
        Assert.Empty(Client.Detect(request, deadline: Deadline).Detections);
    }

    [Fact]
    public void Detect_MissingSrc_InvalidArgument()
    {
        var e = Assert.Throws<RpcException>(() => Client.Detect(new DetectOptions(), deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public void FaceVerify_SamePhoto_DistanceNearZero()
    {
        FaceVerifyResponse r = Verify(Photos.PersonA1, Photos.PersonA1);
        Assert.True(r.Distance < 1e-3f, $"distance {r.Distance} {fixture.Context}");
        Assert.True(r.Verified);
        Assert.True(r.Confidence > 99f, $"confidence {r.Confidence}");
    }

    [Fact]
    public void FaceVerify_SamePerson_BelowDefaultThreshold()
    {
        FaceVerifyResponse r = Verify(Photos.PersonA1, Photos.PersonA2);
        Assert.True(r.Distance < r.Threshold && r.Verified, $"distance {r.Distance} threshold {r.Threshold}");
        Assert.Equal(Math.Clamp((1 - r.Distance / r.Threshold) * 100, 0, 100), r.Confidence, 3);
        Assert.False(string.IsNullOrEmpty(r.Model));
        Assert.True(r.Img1Area.W > 0 && r.Img2Area.H > 0);
        Assert.True(r.ProcessingTimeMs > 0);
    }

    [Theory]
    [InlineData(Photos.PersonA1, Photos.PersonB1)]
    [InlineData(Photos.PersonA2, Photos.PersonC1)]
    [InlineData(Photos.PersonB1, Photos.PersonD1)]
    public void FaceVerify_DifferentPeople_AboveDefaultThreshold(string a, string b)
    {
        FaceVerifyResponse r = Verify(a, b);
        Assert.True(r.Distance > r.Threshold && !r.Verified, $"distance {r.Distance} threshold {r.Threshold}");
        Assert.Equal(0f, r.Confidence);
    }

    [Fact]
    public void FaceVerify_RequestThreshold_OverridesDefault()
    {
        FaceVerifyResponse byDefault = Verify(Photos.PersonA1, Photos.PersonA2);
        float tight = byDefault.Distance / 2;
        FaceVerifyResponse r = Verify(Photos.PersonA1, Photos.PersonA2, threshold: tight);
        Assert.Equal(tight, r.Threshold);
        Assert.False(r.Verified);
        Assert.Equal(byDefault.Distance, r.Distance, 5);
    }

    [Fact]
    public void FaceVerify_AntiSpoofing_LivePhotoRealSpoofPhotoNot()
    {
        FaceVerifyResponse live = Verify(Photos.Live, Photos.Live, antiSpoofing: true);
        Assert.True(live.Img1IsReal && live.Img2IsReal, $"live score {live.Img1AntispoofScore}");
        Assert.True(live.Verified);

        // The spoof photo against itself: distance 0, yet not verified because it is not live.
        FaceVerifyResponse spoof = Verify(Photos.Spoof, Photos.Spoof, antiSpoofing: true);
        Assert.False(spoof.Img1IsReal, $"spoof score {spoof.Img1AntispoofScore}");
        Assert.True(spoof.Distance < spoof.Threshold);
        Assert.False(spoof.Verified);
        Assert.True(spoof.Img1AntispoofScore < live.Img1AntispoofScore);

        FaceVerifyResponse mixed = Verify(Photos.Live, Photos.Spoof, antiSpoofing: true);
        Assert.True(mixed.Img1IsReal);
        Assert.False(mixed.Img2IsReal);
        Assert.False(mixed.Verified);
    }

    [Fact]
    public void FaceVerify_MissingImage_InvalidArgumentNamesIt()
    {
        var e = Assert.Throws<RpcException>(() => Client.FaceVerify(
            new FaceVerifyRequest { Img1 = TestPaths.PhotoBase64(Photos.PersonA3) }, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("img2", e.Status.Detail);
    }

    [Fact]
    public void HostileFiles_HeaderBombAndTruncations_TypedStatusesServerServesOn()
    {
        // A real PNG whose header claims 30000 x 30000 pixels: refused from the header.
        byte[] png = TestPaths.Photo("singles/agt_lin-manuel-miranda.png");
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 30000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 30000);
        var bomb = new PredictOptions();
        bomb.Images.Add(Convert.ToBase64String(png));
        var e = Assert.Throws<RpcException>(() => Client.Embedding(bomb, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("30000x30000", e.Status.Detail);

        // A JPEG cut at every tenth: an embedding, INVALID_ARGUMENT or NOT_FOUND, nothing else.
        byte[] jpeg = TestPaths.Photo(Photos.PersonA3);
        for (int tenth = 1; tenth < 10; tenth++)
        {
            var cut = new PredictOptions();
            cut.Images.Add(Convert.ToBase64String(jpeg, 0, jpeg.Length * tenth / 10));
            try
            {
                Assert.All(Client.Embedding(cut, deadline: Deadline).Embeddings, v => Assert.True(float.IsFinite(v)));
            }
            catch (RpcException r) when (r.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
            {
            }
        }

        var whole = new PredictOptions();
        whole.Images.Add(Convert.ToBase64String(jpeg));
        Assert.NotEmpty(Client.Embedding(whole, deadline: Deadline).Embeddings);
    }

    [Fact]
    public void FaceVerify_UndecodableImage_InvalidArgumentNamesIt()
    {
        var e = Assert.Throws<RpcException>(() => Client.FaceVerify(new FaceVerifyRequest
        {
            Img1 = "aGVsbG8gd29ybGQ=",
            Img2 = TestPaths.PhotoBase64(Photos.PersonA3),
        }, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("img1", e.Status.Detail);
        Assert.Contains("failed to decode", e.Status.Detail);
    }

    [Fact]
    public void FaceVerify_NoFaceInOne_NotFound()
    {
        var e = Assert.Throws<RpcException>(() => Client.FaceVerify(new FaceVerifyRequest
        {
            Img1 = TestPaths.PhotoBase64(Photos.PersonA3),
            Img2 = Convert.ToBase64String(TestImages.BlankPng()),
        }, deadline: Deadline));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("no face detected in one or both images", e.Status.Detail);
    }

    [Fact]
    public void FaceAnalyze_TwoPeople_AgeGenderPerFaceScoreDescending()
    {
        FaceAnalyzeResponse r = Client.FaceAnalyze(
            new FaceAnalyzeRequest { Img = TestPaths.PhotoBase64(Photos.TwoPeople) }, deadline: Deadline);
        Assert.Equal(2, r.Faces.Count);
        Assert.True(r.Faces[0].FaceConfidence >= r.Faces[1].FaceConfidence);
        foreach (Protocol.FaceAnalysis f in r.Faces)
        {
            Assert.InRange(f.Age, 1f, 110f);
            Assert.Contains(f.DominantGender, new[] { "Man", "Woman" });
            Assert.Equal(100f, f.Gender["Man"] + f.Gender["Woman"], 2);
            Assert.Equal(f.DominantGender, f.Gender["Man"] >= f.Gender["Woman"] ? "Man" : "Woman");
            Assert.True(f.Region.W > 0 && f.Region.H > 0);
            Assert.Equal("", f.DominantEmotion);
        }
    }

    [Fact]
    public void FaceAnalyze_Actions_OnlyWhatIsAsked()
    {
        var request = new FaceAnalyzeRequest { Img = TestPaths.PhotoBase64(Photos.PersonA3) };
        request.Actions.Add("age");
        Protocol.FaceAnalysis f = Assert.Single(Client.FaceAnalyze(request, deadline: Deadline).Faces);
        Assert.True(f.Age > 0);
        Assert.Equal("", f.DominantGender);
        Assert.Empty(f.Gender);
    }

    [Fact]
    public void FaceAnalyze_AntiSpoofing_ScorePerFace()
    {
        var live = Client.FaceAnalyze(new FaceAnalyzeRequest
        {
            Img = TestPaths.PhotoBase64(Photos.Live),
            AntiSpoofing = true,
        }, deadline: Deadline);
        var spoof = Client.FaceAnalyze(new FaceAnalyzeRequest
        {
            Img = TestPaths.PhotoBase64(Photos.Spoof),
            AntiSpoofing = true,
        }, deadline: Deadline);
        Assert.True(live.Faces[0].IsReal && live.Faces[0].AntispoofScore > 0.5f);
        Assert.False(spoof.Faces[0].IsReal);
    }

    [Fact]
    public void FaceAnalyze_UndecodableImage_InvalidArgument()
    {
        var e = Assert.Throws<RpcException>(() => Client.FaceAnalyze(
            new FaceAnalyzeRequest { Img = "aGVsbG8gd29ybGQ=" }, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public void ModelIdentity_Mismatch_NotFoundOnEveryFaceMethod()
    {
        string photo = TestPaths.PhotoBase64(Photos.PersonA3);
        var embed = new PredictOptions { ModelIdentity = "some-other-model" };
        embed.Images.Add(photo);
        var calls = new Action[]
        {
            () => Client.Embedding(embed, deadline: Deadline),
            () => Client.Detect(new DetectOptions { Src = photo, ModelIdentity = "x" }, deadline: Deadline),
            () => Client.FaceVerify(new FaceVerifyRequest { Img1 = photo, Img2 = photo, ModelIdentity = "x" },
                deadline: Deadline),
            () => Client.FaceAnalyze(new FaceAnalyzeRequest { Img = photo, ModelIdentity = "x" }, deadline: Deadline),
        };
        foreach (Action call in calls)
        {
            var e = Assert.Throws<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, e.StatusCode);
            Assert.Contains("model identity mismatch", e.Status.Detail);
        }
    }

    [Fact]
    public void ModelIdentity_MatchingOrEmpty_Accepted()
    {
        string photo = TestPaths.PhotoBase64(Photos.PersonA3);
        var named = new DetectOptions { Src = photo, ModelIdentity = LoadedServerFixture.ModelName };
        Assert.NotEmpty(Client.Detect(named, deadline: Deadline).Detections);
        Assert.NotEmpty(Client.Detect(new DetectOptions { Src = photo }, deadline: Deadline).Detections);
    }

    private EmbeddingResult Embed(string photo)
    {
        var request = new PredictOptions();
        request.Images.Add(TestPaths.PhotoBase64(photo));
        return Client.Embedding(request, deadline: Deadline);
    }

    private DetectResponse Detect(string photo, float threshold = 0) =>
        Client.Detect(new DetectOptions { Src = TestPaths.PhotoBase64(photo), Threshold = threshold },
            deadline: Deadline);

    private FaceVerifyResponse Verify(string a, string b, float threshold = 0, bool antiSpoofing = false) =>
        Client.FaceVerify(new FaceVerifyRequest
        {
            Img1 = TestPaths.PhotoBase64(a),
            Img2 = TestPaths.PhotoBase64(b),
            Threshold = threshold,
            AntiSpoofing = antiSpoofing,
        }, deadline: Deadline);
}
