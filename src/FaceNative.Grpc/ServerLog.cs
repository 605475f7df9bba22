namespace FaceNative.Grpc;

/// <summary>One-line log records on stderr, where LocalAI collects a backend's output.</summary>
public sealed class ServerLog
{
    private readonly object _sync = new();

    public void Info(string message) => Write("info", message);

    public void Warn(string message) => Write("warning", message);

    public void Write(string level, string message)
    {
        lock (_sync) Console.Error.WriteLine($"facenative-grpc {level}: {message}");
    }
}
