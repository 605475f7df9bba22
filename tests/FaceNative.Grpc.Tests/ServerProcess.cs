using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FaceNative.Grpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace FaceNative.Grpc.Tests;

/// <summary>
/// One facenative-grpc process on a free loopback port (the server binds port 0 and prints the
/// port it got). Prefers the published NativeAOT binary; falls back to the JIT build only when
/// dist/bin/facenative-grpc is missing, and says so in <see cref="Description"/>.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    public const string Published = "dist/bin/facenative-grpc";
    private const string JitBuild = "src/FaceNative.Grpc/bin/Release/net10.0/linux-x64/facenative-grpc";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly List<GrpcChannel> _channels = [];

    private ServerProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    public string Description { get; }

    public bool IsPublishedBinary { get; private init; }

    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Milliseconds from process start to the "listening" line.</summary>
    public long ListeningAfterMs { get; private set; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>True once the server's output contains <paramref name="text"/> (stderr is read
    /// asynchronously, so a line may arrive just after the call that wrote it returned).</summary>
    public bool WaitForLog(string text, int timeoutMs = 10_000)
    {
        var clock = Stopwatch.StartNew();
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (clock.ElapsedMilliseconds > timeoutMs) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    public static (string Path, bool Published, string Description) Locate()
    {
        // For a quick loop while editing the server: FACENATIVE_GRPC_SERVER=<any build>.
        if (Environment.GetEnvironmentVariable("FACENATIVE_GRPC_SERVER") is { Length: > 0 } chosen)
            return (chosen, false, $"FACENATIVE_GRPC_SERVER={chosen}, not the published {Published}");

        string published = Path.Combine(TestPaths.RepoRoot, Published);
        if (File.Exists(published)) return (published, true, $"published NativeAOT {Published}");
        string jit = Path.Combine(TestPaths.RepoRoot, JitBuild);
        if (File.Exists(jit))
            return (jit, false, $"FALLBACK JIT build {JitBuild}, because {Published} is missing (run ./build.sh)");
        throw new InvalidOperationException($"neither {Published} nor {JitBuild} exists: run ./build.sh");
    }

    public static ServerProcess Start(IDictionary<string, string>? environment = null, params string[] extraArgs)
    {
        (string path, bool isPublished, string description) = Locate();
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--addr");
        info.ArgumentList.Add("127.0.0.1:0");
        foreach (string a in extraArgs) info.ArgumentList.Add(a);

        // The server must not inherit a token or limit from whoever runs the tests.
        info.Environment.Remove("LOCALAI_GRPC_AUTH_TOKEN");
        info.Environment.Remove("FACENATIVE_GRPC_CONCURRENCY");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}");
        var server = new ServerProcess(process, description) { IsPublishedBinary = isPublished };
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (server._log) server._log.AppendLine(e.Data);
            Match m = ListeningLine().Match(e.Data);
            if (m.Success) listening.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (server._log) server._log.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        if (!listening.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            server.Dispose();
            throw new InvalidOperationException($"{description} did not report a port within 60 s:\n{server.Log}");
        }
        server.Port = listening.Task.Result;
        server.ListeningAfterMs = clock.ElapsedMilliseconds;
        return server;
    }

    public Backend.BackendClient Client(string? bearerToken = null)
    {
        var options = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        };
        if (bearerToken is not null)
        {
            var credentials = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", $"Bearer {bearerToken}");
                return Task.CompletedTask;
            });
            options.Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials);
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }
        GrpcChannel channel = GrpcChannel.ForAddress($"http://{Address}", options);
        lock (_channels) _channels.Add(channel);
        return new Backend.BackendClient(channel);
    }

    /// <summary>LoadModel with the default pack from the shared models folder.</summary>
    public Result LoadDefault(Backend.BackendClient client, string model = "face-test", params string[] options)
    {
        var request = new ModelOptions { Model = model, ModelPath = TestPaths.ModelsDirectory };
        request.Options.AddRange(options);
        return client.LoadModel(request, deadline: Deadline());
    }

    public static DateTime Deadline(int seconds = 120) => DateTime.UtcNow.AddSeconds(seconds);

    public void Dispose()
    {
        lock (_channels)
        {
            foreach (GrpcChannel c in _channels) c.Dispose();
            _channels.Clear();
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
