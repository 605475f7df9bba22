using FaceNative.Grpc.Protocol;
using Xunit;

// One server at a time: the concurrency tests measure, and the machine has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FaceNative.Grpc.Tests;

/// <summary>A server with the default pack loaded as model "face-test", shared by the tests
/// that only read from it.</summary>
public sealed class LoadedServerFixture : IDisposable
{
    public const string ModelName = "face-test";

    public LoadedServerFixture()
    {
        Server = ServerProcess.Start();
        Client = Server.Client();
        Result load = Server.LoadDefault(Client, ModelName);
        if (!load.Success)
        {
            string log = Server.Log;
            Server.Dispose();
            throw new InvalidOperationException($"LoadModel failed: {load.Message}\n{log}");
        }
    }

    public ServerProcess Server { get; }

    public Backend.BackendClient Client { get; }

    /// <summary>Appended to assertion messages so a failure says which binary it ran against.</summary>
    public string Context => $"[{Server.Description}]";

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class LoadedServerCollection : ICollectionFixture<LoadedServerFixture>
{
    public const string Name = "loaded server";
}
