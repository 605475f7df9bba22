// Load tool for facenative-grpc: starts the server as LocalAI would, times start → first READY,
// then drives FaceVerify from 1, 2, 8 (by default) concurrent clients for a fixed time each,
// sampling the server's resident memory. Prints a Markdown table.
//
//   dotnet run -c Release --project bench/grpc -- [--server dist/bin/facenative-grpc]
//       [--models DIR] [--faces DIR] [--seconds 10] [--clients 1,2,8] [--img1 REL] [--img2 REL]
//       [--max-concurrency N] [--option key:value]...
// The machine's load average is printed with the figures: on a shared machine they move with it.
// "server CPU ms/req" (the server's user+system time per request) moves much less, and
// CPU count × 1000 / that is the throughput an otherwise idle machine could reach.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FaceNative.Grpc.Protocol;
using Grpc.Net.Client;

var opts = Args.Parse(args);
Console.WriteLine($"server {opts.Server}\nmodels {opts.Models}\nphotos {opts.Img1} / {opts.Img2}");
Console.WriteLine($"options {string.Join(' ', opts.Options)}; {Environment.ProcessorCount} CPUs; " +
                  $"load average {LoadAverage()}");

// Start: process launch → "listening" → Health OK → LoadModel → Status READY, as LocalAI does.
var clock = Stopwatch.StartNew();
var info = new ProcessStartInfo(opts.Server) { RedirectStandardError = true, UseShellExecute = false };
info.ArgumentList.Add("--addr");
info.ArgumentList.Add("127.0.0.1:0");
info.Environment.Remove("LOCALAI_GRPC_AUTH_TOKEN");
if (opts.MaxConcurrency is { } limit) info.ArgumentList.Add($"--max-concurrency={limit}");
using Process server = Process.Start(info)!;
var portSource = new TaskCompletionSource<int>();
server.ErrorDataReceived += (_, e) =>
{
    if (e.Data is null) return;
    Match m = Regex.Match(e.Data, @"listening on http://127\.0\.0\.1:(\d+)");
    if (m.Success) portSource.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
};
server.BeginErrorReadLine();
try
{
    if (!portSource.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("server did not start in 60 s");
    int port = portSource.Task.Result;
    long listeningMs = clock.ElapsedMilliseconds;

    var client = new Backend.BackendClient(Channel(port));
    for (int attempt = 0; ; attempt++)
    {
        try
        {
            client.Health(new HealthMessage(), deadline: DateTime.UtcNow.AddSeconds(5));
            break;
        }
        catch (Grpc.Core.RpcException) when (attempt < 100)
        {
            Thread.Sleep(20);
        }
    }
    long healthMs = clock.ElapsedMilliseconds;
    ulong rssNoModel = Rss(server.Id);

    var load = new ModelOptions { Model = "face-bench", ModelPath = opts.Models };
    load.Options.AddRange(opts.Options);
    Result loaded = client.LoadModel(load);
    if (!loaded.Success) throw new InvalidOperationException(loaded.Message);
    StatusResponse status = client.Status(new HealthMessage());
    long readyMs = clock.ElapsedMilliseconds;
    if (status.State != StatusResponse.Types.State.Ready) throw new InvalidOperationException($"state {status.State}");

    Console.WriteLine();
    Console.WriteLine($"start → listening {listeningMs} ms, → Health OK {healthMs} ms, → READY {readyMs} ms " +
                      $"(LoadModel of the default pack {readyMs - healthMs} ms)");

    var request = new FaceVerifyRequest
    {
        Img1 = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(opts.Faces, opts.Img1))),
        Img2 = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(opts.Faces, opts.Img2))),
    };
    for (int i = 0; i < 3; i++) client.FaceVerify(request);
    Thread.Sleep(1000);
    ulong rssIdle = Rss(server.Id);
    Console.WriteLine($"RSS idle: {Mib(rssNoModel)} before LoadModel, {Mib(rssIdle)} loaded and warmed up");
    Console.WriteLine();
    Console.WriteLine(
        "| clients | FaceVerify req/s | mean latency ms | p50 ms | p95 ms | server CPU ms/req | peak RSS |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");

    foreach (int clients in opts.Clients)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        ulong peak = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(opts.Seconds));
        Task sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(server.Id));
                await Task.Delay(100);
            }
        });
        double cpuBefore = CpuMs(server.Id);
        var run = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var c = new Backend.BackendClient(Channel(port));
            while (!stop.IsCancellationRequested)
            {
                var one = Stopwatch.StartNew();
                await c.FaceVerifyAsync(request);
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }
        })));
        double seconds = run.Elapsed.TotalSeconds;
        double cpuPerRequest = (CpuMs(server.Id) - cpuBefore) / Math.Max(1, latencies.Count);
        await sampler;
        double[] sorted = latencies.Order().ToArray();
        Console.WriteLine($"| {clients} | {sorted.Length / seconds:F1} | {sorted.Average():F0} | " +
                          $"{sorted[sorted.Length / 2]:F0} | {sorted[(int)(sorted.Length * 0.95)]:F0} | " +
                          $"{cpuPerRequest:F0} | {Mib(peak)} |");
    }
    Console.WriteLine($"\nload average after: {LoadAverage()}");
}
finally
{
    if (!server.HasExited) server.Kill();
    server.WaitForExit(10_000);
}
return 0;

static GrpcChannel Channel(int port) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}",
    new GrpcChannelOptions { MaxSendMessageSize = 50 * 1024 * 1024, MaxReceiveMessageSize = 50 * 1024 * 1024 });

// VmRSS of the server process, from /proc.
static ulong Rss(int pid)
{
    foreach (string line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return ulong.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
    return 0;
}

// utime + stime of the server from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms
// on Linux); the command name in field 2 may hold spaces, so count from the closing parenthesis.
static double CpuMs(int pid)
{
    string stat = File.ReadAllText($"/proc/{pid}/stat");
    string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)) * 10;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string Mib(ulong bytes) => $"{bytes / (1024.0 * 1024.0):F0} MiB";

internal sealed record Args(string Server, string Models, string Faces, int Seconds, int[] Clients,
    string Img1, string Img2, int? MaxConcurrency, string[] Options)
{
    public static Args Parse(string[] args)
    {
        string root = RepoRoot();
        string Get(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        string models = Environment.GetEnvironmentVariable("FACENATIVE_MODELS") is { Length: > 0 } env
            ? env : Path.Combine(root, "..", "shared", "models");
        string? limit = Get("--max-concurrency", "");
        return new Args(
            Path.GetFullPath(Get("--server", Path.Combine(root, "dist", "bin", "facenative-grpc"))),
            Path.GetFullPath(Get("--models", models)),
            Path.GetFullPath(Get("--faces", Path.Combine(root, "..", "shared", "faces"))),
            int.Parse(Get("--seconds", "10"), CultureInfo.InvariantCulture),
            Get("--clients", "1,2,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            Get("--img1", "id01/deepface_img2.jpg"),
            Get("--img2", "id01/deepface_img4.jpg"),
            limit.Length > 0 ? int.Parse(limit, CultureInfo.InvariantCulture) : null,
            args.Select((a, i) => (a, i)).Where(p => p.a == "--option" && p.i + 1 < args.Length)
                .Select(p => args[p.i + 1]).ToArray());
    }

    private static string RepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "FaceNative.sln"))) return dir;
        }
        return Directory.GetCurrentDirectory();
    }
}
