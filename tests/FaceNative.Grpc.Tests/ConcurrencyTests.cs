using Grpc.Core;
using System.Diagnostics;
using FaceNative.Grpc.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace FaceNative.Grpc.Tests;

/// <summary>Parallel requests give the serial answers; over the limit they queue. These load the
/// "fast" pack (SCRFD-0.5G): what is tested is the server's concurrency, and 400 calls with the
/// default detector take minutes on a busy two-core machine.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Clients = 20;
    private const int CallsPerClient = 20;

    // Small photos of different people: what is measured is the server, not JPEG decoding.
    private static readonly string[] s_photos =
        [Photos.PersonA3, Photos.PersonC1, Photos.PersonD1, "id05/deepface_img16.jpg", "id07/deepface_img21.jpg"];

    [Fact]
    public async Task TwentyClientsTimesTwentyCalls_EqualSerialResults()
    {
        using var server = ServerProcess.Start();
        var serial = server.Client();
        Assert.True(server.LoadDefault(serial, "face-fast", "pack:fast").Success, server.Log);
        string context = $"[{server.Description}]";
        string[] images = s_photos.Select(TestPaths.PhotoBase64).ToArray();

        // Serial reference: one embedding per photo and one verify per neighbouring pair.
        var serialEmbed = new float[images.Length][];
        var serialVerify = new FaceVerifyResponse[images.Length];
        for (int i = 0; i < images.Length; i++)
        {
            serialEmbed[i] =
                [.. serial.Embedding(EmbedRequest(images[i]), deadline: ServerProcess.Deadline()).Embeddings];
            serialVerify[i] = serial.FaceVerify(VerifyRequest(images, i), deadline: ServerProcess.Deadline());
        }

        var clock = Stopwatch.StartNew();
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            // Each client has its own channel, so its own HTTP/2 connection, as separate
            // LocalAI requests would.
            var client = server.Client();
            for (int k = 0; k < CallsPerClient; k++)
            {
                int i = (c + k) % images.Length;
                if (k % 4 == 3)
                {
                    FaceVerifyResponse v = await client.FaceVerifyAsync(VerifyRequest(images, i),
                        deadline: ServerProcess.Deadline(600));
                    FaceVerifyResponse s = serialVerify[i];
                    if (Math.Abs(v.Distance - s.Distance) > 1e-5f || v.Verified != s.Verified
                        || !SameArea(v.Img1Area, s.Img1Area) || !SameArea(v.Img2Area, s.Img2Area))
                        mismatches.Add($"client {c} call {k}: verify {v.Distance} vs serial {s.Distance}");
                }
                else
                {
                    EmbeddingResult e = await client.EmbeddingAsync(EmbedRequest(images[i]),
                        deadline: ServerProcess.Deadline(600));
                    float diff = e.Embeddings.Zip(serialEmbed[i], (a, b) => MathF.Abs(a - b)).Max();
                    if (e.Embeddings.Count != serialEmbed[i].Length || diff > 1e-5f)
                        mismatches.Add($"client {c} call {k}: embedding differs by {diff}");
                }
            }
        })));
        output.WriteLine($"{Clients * CallsPerClient} calls from {Clients} clients in {clock.ElapsedMilliseconds} ms");
        Assert.True(mismatches.IsEmpty, string.Join("\n", mismatches.Take(10)) + " " + context);
    }

    [Fact]
    public async Task OverTheLimit_RequestsQueueInsteadOfFailing()
    {
        using var server = ServerProcess.Start(
            new Dictionary<string, string> { ["FACENATIVE_GRPC_CONCURRENCY"] = "1" });
        var client = server.Client();
        Assert.True(server.LoadDefault(client, "face-fast", "pack:fast").Success, server.Log);
        Assert.Contains("max concurrency 1", server.Log);
        string image = TestPaths.PhotoBase64(Photos.PersonA3);

        // The fastest of a few serial calls bounds one call's service time from below.
        long fastest = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var one = Stopwatch.StartNew();
            client.Embedding(EmbedRequest(image), deadline: ServerProcess.Deadline());
            fastest = Math.Min(fastest, one.ElapsedMilliseconds);
        }

        const int parallel = 8;
        var clock = Stopwatch.StartNew();
        EmbeddingResult[] results = await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ =>
            server.Client().EmbeddingAsync(EmbedRequest(image), deadline: ServerProcess.Deadline(600)).ResponseAsync));
        long elapsed = clock.ElapsedMilliseconds;
        output.WriteLine($"{parallel} calls at limit 1: {elapsed} ms; fastest single call {fastest} ms");

        Assert.All(results, r => Assert.NotEmpty(r.Embeddings));

        // With one slot the calls ran one after another, so together they took at least about
        // eight single calls (half that, to leave room for timer noise and a warm cache).
        Assert.True(elapsed >= parallel * fastest / 2, $"{elapsed} ms for {parallel} calls, one takes {fastest} ms");
    }

    [Fact]
    public async Task ClientsThatGiveUpMidRequest_DoNotBreakTheServer()
    {
        using var server = ServerProcess.Start(
            new Dictionary<string, string> { ["FACENATIVE_GRPC_CONCURRENCY"] = "2" });
        var client = server.Client();
        Assert.True(server.LoadDefault(client, "face-fast", "pack:fast").Success, server.Log);
        string[] images = s_photos.Select(TestPaths.PhotoBase64).ToArray();
        FaceVerifyResponse expected = client.FaceVerify(VerifyRequest(images, 0), deadline: ServerProcess.Deadline());

        // Twelve clients each cancel their request a few milliseconds after sending it, while
        // it is queued or running; some may finish first, none may hurt the server.
        var abandoned = Enumerable.Range(0, 12).Select(async i =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(5 + 10 * i));
            try
            {
                await server.Client().FaceVerifyAsync(VerifyRequest(images, 0), cancellationToken: cancel.Token);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }
        });
        await Task.WhenAll(abandoned);

        FaceVerifyResponse after = client.FaceVerify(VerifyRequest(images, 0), deadline: ServerProcess.Deadline());
        Assert.Equal(expected.Distance, after.Distance);
        Assert.Equal(StatusResponse.Types.State.Ready,
            client.Status(new HealthMessage(), deadline: ServerProcess.Deadline()).State);
    }

    private static PredictOptions EmbedRequest(string image)
    {
        var request = new PredictOptions();
        request.Images.Add(image);
        return request;
    }

    private static FaceVerifyRequest VerifyRequest(string[] images, int i) =>
        new() { Img1 = images[i], Img2 = images[(i + 1) % images.Length] };

    private static bool SameArea(FacialArea a, FacialArea b) =>
        MathF.Abs(a.X - b.X) < 1e-3f && MathF.Abs(a.Y - b.Y) < 1e-3f
        && MathF.Abs(a.W - b.W) < 1e-3f && MathF.Abs(a.H - b.H) < 1e-3f;
}
