using System.Diagnostics;
using FaceNative;
using FaceNative.Grpc;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var clock = Stopwatch.StartNew();
ServerSettings settings;
try
{
    if (args is ["--help"] or ["-h"])
    {
        Console.Out.WriteLine(ServerSettings.Usage);
        return 0;
    }
    settings = ServerSettings.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"facenative-grpc: {e.Message}\n{ServerSettings.Usage}");
    return 1;
}

var log = new ServerLog();
FaceLog.SetSink((level, message) => log.Write(level.ToString().ToLowerInvariant(), message), FaceLogLevel.Info);

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);

// The server's own log lines are enough; ASP.NET Core's per-request logging would drown them.
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(settings.Address, settings.Port, listen => listen.Protocols = HttpProtocols.Http2);

    // gRPC's own limit (50 MiB) is the one that counts; Kestrel's default body cap (~28 MiB)
    // would cut requests off below it.
    kestrel.Limits.MaxRequestBodySize = ServerSettings.MaxMessageBytes + 1024 * 1024;
});
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(log);
builder.Services.AddSingleton<ModelHost>();
builder.Services.AddSingleton<VectorStore>();
builder.Services.AddSingleton<AuthInterceptor>();
builder.Services.AddGrpc(grpc =>
{
    grpc.MaxReceiveMessageSize = ServerSettings.MaxMessageBytes;
    grpc.MaxSendMessageSize = ServerSettings.MaxMessageBytes;
    grpc.EnableDetailedErrors = false;
    grpc.Interceptors.Add<AuthInterceptor>();
});

WebApplication app = builder.Build();
app.MapGrpcService<BackendService>();

try
{
    await app.StartAsync();
}
catch (IOException e)
{
    Console.Error.WriteLine($"facenative-grpc: cannot listen on {settings.Address}:{settings.Port}: {e.Message}");
    return 2;
}

// Port 0 asks the OS for a free port; tests and tools read the real one from this line.
string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
    .FirstOrDefault() ?? $"{settings.Address}:{settings.Port}";
log.Info($"listening on {bound} (h2c, max concurrency {settings.MaxConcurrency}, " +
         $"auth {(settings.AuthToken is null ? "off" : "on")}) after {clock.ElapsedMilliseconds} ms");

await app.WaitForShutdownAsync();
return 0;
