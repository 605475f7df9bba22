using FaceNative.Grpc.Protocol;
using Grpc.Core;
using Xunit;

namespace FaceNative.Grpc.Tests;

/// <summary>LOCALAI_GRPC_AUTH_TOKEN: every call needs "authorization: Bearer &lt;token&gt;".</summary>
public sealed class AuthTests : IDisposable
{
    private const string Token = "s3cret-token-for-tests";
    private readonly ServerProcess _server =
        ServerProcess.Start(new Dictionary<string, string> { ["LOCALAI_GRPC_AUTH_TOKEN"] = Token });

    public void Dispose() => _server.Dispose();

    [Fact]
    public void NoToken_Unauthenticated()
    {
        var e = Assert.Throws<RpcException>(() =>
            _server.Client().Health(new HealthMessage(), deadline: ServerProcess.Deadline()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("invalid token", e.Status.Detail);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(Token + "x")]
    [InlineData("")]
    public void WrongToken_Unauthenticated(string token)
    {
        var client = _server.Client(token);
        var e = Assert.Throws<RpcException>(() =>
            client.Status(new HealthMessage(), deadline: ServerProcess.Deadline()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var load = Assert.Throws<RpcException>(() => _server.LoadDefault(client));
        Assert.Equal(StatusCode.Unauthenticated, load.StatusCode);
    }

    [Fact]
    public void RightToken_EveryMethodWorks_NoTokenRefusedOnEveryMethod()
    {
        var client = _server.Client(Token);
        Reply health = client.Health(new HealthMessage(), deadline: ServerProcess.Deadline());
        Assert.Equal("OK", health.Message.ToStringUtf8());
        Assert.True(_server.LoadDefault(client).Success);
        string photo = TestPaths.PhotoBase64(Photos.PersonA3);
        var embed = new PredictOptions();
        embed.Images.Add(photo);
        var verify = new FaceVerifyRequest { Img1 = photo, Img2 = photo };
        var analyze = new FaceAnalyzeRequest { Img = photo };
        var detect = new DetectOptions { Src = photo };
        var set = new StoresSetOptions();
        set.Keys.Add(new StoresKey { Floats = { 1f, 0f } });
        set.Values.Add(new StoresValue { Bytes = Google.Protobuf.ByteString.CopyFromUtf8("a") });
        var find = new StoresFindOptions { Key = new StoresKey { Floats = { 1f, 0f } }, TopK = 1 };

        // Every method, with and without the token; Free last, as it unloads.
        var calls = new (string Name, Action<Backend.BackendClient> Call)[]
        {
            ("Status", c => Assert.Equal(StatusResponse.Types.State.Ready,
                c.Status(new HealthMessage(), deadline: ServerProcess.Deadline()).State)),
            ("Embedding", c => Assert.NotEmpty(c.Embedding(embed, deadline: ServerProcess.Deadline()).Embeddings)),
            ("Detect", c => Assert.NotEmpty(c.Detect(detect, deadline: ServerProcess.Deadline()).Detections)),
            ("FaceVerify", c => Assert.True(c.FaceVerify(verify, deadline: ServerProcess.Deadline()).Verified)),
            ("FaceAnalyze", c => Assert.NotEmpty(c.FaceAnalyze(analyze, deadline: ServerProcess.Deadline()).Faces)),
            ("StoresSet", c => Assert.True(c.StoresSet(set, deadline: ServerProcess.Deadline()).Success)),
            ("StoresFind", c => Assert.Single(c.StoresFind(find, deadline: ServerProcess.Deadline()).Keys)),
            ("Free", c => Assert.True(c.Free(new HealthMessage(), deadline: ServerProcess.Deadline()).Success)),
        };
        foreach (var (name, call) in calls)
        {
            var e = Assert.Throws<RpcException>(() => call(_server.Client()));
            Assert.True(e.StatusCode == StatusCode.Unauthenticated, $"{name} without token: {e.StatusCode}");
            call(client);
        }
    }
}
