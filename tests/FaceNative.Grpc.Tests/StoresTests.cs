using FaceNative.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace FaceNative.Grpc.Tests;

/// <summary>Stores*: an in-memory face index keyed by embeddings, searched by cosine similarity.</summary>
public sealed class StoresTests : IDisposable
{
    private readonly ServerProcess _server = ServerProcess.Start();
    private readonly Backend.BackendClient _client;

    public StoresTests()
    {
        _client = _server.Client();
        Assert.True(_server.LoadDefault(_client).Success, _server.Log);
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public void SetFindGetDelete_IdentifiesThePerson()
    {
        // Register one photo each of three people, then look up another photo of one of them.
        var set = new StoresSetOptions();
        foreach ((string photo, string name) in new[]
                 { (Photos.PersonA1, "A"), (Photos.PersonB1, "B"), (Photos.PersonC1, "C") })
        {
            set.Keys.Add(Key(Embed(photo)));
            set.Values.Add(new StoresValue { Bytes = ByteString.CopyFromUtf8(name) });
        }
        Assert.True(_client.StoresSet(set, deadline: ServerProcess.Deadline()).Success);

        StoresFindResult found = _client.StoresFind(
            new StoresFindOptions { Key = Key(Embed(Photos.PersonA2)), TopK = 2 }, deadline: ServerProcess.Deadline());
        Assert.Equal(2, found.Keys.Count);
        Assert.Equal("A", found.Values[0].Bytes.ToStringUtf8());
        Assert.True(found.Similarities[0] > found.Similarities[1]);

        StoresGetResult got = _client.StoresGet(new StoresGetOptions { Keys = { set.Keys[1] } },
            deadline: ServerProcess.Deadline());
        Assert.Equal("B", Assert.Single(got.Values).Bytes.ToStringUtf8());
        Assert.Equal(set.Keys[1].Floats, got.Keys[0].Floats);

        Assert.True(_client.StoresDelete(new StoresDeleteOptions { Keys = { set.Keys[0] } },
            deadline: ServerProcess.Deadline()).Success);
        StoresFindResult after = _client.StoresFind(
            new StoresFindOptions { Key = Key(Embed(Photos.PersonA2)), TopK = 5 }, deadline: ServerProcess.Deadline());
        Assert.Equal(2, after.Keys.Count);
        Assert.DoesNotContain(after.Values, v => v.Bytes.ToStringUtf8() == "A");
    }

    [Fact]
    public void BadRequests_InvalidArgument()
    {
        var mismatch = new StoresSetOptions { Keys = { Key([1f, 0f]) } };
        var wrongDim = new StoresSetOptions
        {
            Keys = { Key([1f, 0f]), Key([1f, 0f, 0f]) },
            Values = { new StoresValue(), new StoresValue() },
        };
        var calls = new Action[]
        {
            () => _client.StoresSet(mismatch, deadline: ServerProcess.Deadline()),
            () => _client.StoresSet(wrongDim, deadline: ServerProcess.Deadline()),
            () => _client.StoresFind(new StoresFindOptions { TopK = 1 }, deadline: ServerProcess.Deadline()),
            () => _client.StoresFind(new StoresFindOptions { Key = Key([1f]), TopK = 0 },
                deadline: ServerProcess.Deadline()),
        };
        foreach (Action call in calls)
            Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(call).StatusCode);
    }

    private float[] Embed(string photo)
    {
        var request = new PredictOptions();
        request.Images.Add(TestPaths.PhotoBase64(photo));
        return [.. _client.Embedding(request, deadline: ServerProcess.Deadline()).Embeddings];
    }

    private static StoresKey Key(float[] floats)
    {
        var key = new StoresKey();
        key.Floats.Add(floats);
        return key;
    }
}
