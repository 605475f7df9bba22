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
    public void RightToken_EveryMethodWorks()
    {
        var client = _server.Client(Token);
        Reply health = client.Health(new HealthMessage(), deadline: ServerProcess.Deadline());
        Assert.Equal("OK", health.Message.ToStringUtf8());
        Assert.True(_server.LoadDefault(client).Success);
        var embed = new PredictOptions();
        embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA3));
        Assert.NotEmpty(client.Embedding(embed, deadline: ServerProcess.Deadline()).Embeddings);

        // And the token is still required once a model is loaded.
        var e = Assert.Throws<RpcException>(() =>
            _server.Client().Embedding(embed, deadline: ServerProcess.Deadline()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }
}
