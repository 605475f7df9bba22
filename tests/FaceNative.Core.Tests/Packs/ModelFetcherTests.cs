using System.Net;
using System.Net.Sockets;
using FaceNative.Packs;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Packs;

public class ModelFetcherTests
{
    private static readonly PackModel s_yunet = ModelPack.BuiltIn("faceplugin").Model("detector")!;

    [Fact]
    public void Fetch_FromLocalFolder_CopiesAndVerifies()
    {
        string destination = TempDir();
        TestData.Model(s_yunet.File);

        new ModelFetcher(TestData.ModelsDir, destination).Fetch(s_yunet, (_, _) => { });

        Assert.Equal(s_yunet.Sha256, ModelLocator.Sha256Of(Path.Combine(destination, s_yunet.File)));
    }

    [Fact]
    public void Fetch_ChecksumMismatch_LeavesNoFile()
    {
        string source = TempDir(), destination = TempDir();
        File.WriteAllText(Path.Combine(source, s_yunet.File), "not the model");

        var e = Assert.Throws<FaceException>(() => new ModelFetcher(source, destination).Fetch(s_yunet, (_, _) => { }));

        Assert.Contains("checksum mismatch", e.Message);
        Assert.Empty(Directory.GetFiles(destination));
    }

    [Fact]
    public void Fetch_FromLocalHttpServer_ReportsProgress()
    {
        byte[] body = File.ReadAllBytes(TestData.Model(s_yunet.File));
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            HttpListenerContext ctx = await listener.GetContextAsync();
            bool known = ctx.Request.Url!.AbsolutePath == "/models/" + s_yunet.File;
            ctx.Response.StatusCode = known ? 200 : 404;
            if (known)
            {
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
            }
            ctx.Response.Close();
        });
        string destination = TempDir();
        long lastDone = 0;

        new ModelFetcher($"http://127.0.0.1:{port}/models", destination)
            .Fetch(s_yunet, (done, total) => { lastDone = done; Assert.Equal(body.Length, total); });

        Assert.True(server.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(body.Length, lastDone);
        Assert.Equal(s_yunet.Sha256, ModelLocator.Sha256Of(Path.Combine(destination, s_yunet.File)));
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "facenative-fetch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
