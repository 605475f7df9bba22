namespace FaceNative;

public enum FaceLogLevel
{
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
}

/// <summary>
/// Process-wide log sink. Silent until a host installs a callback: a library embedded in
/// someone else's process must never write to its stdout or stderr on its own.
/// </summary>
public static class FaceLog
{
    private static Action<FaceLogLevel, string>? s_sink;
    private static volatile int s_minLevel = (int)FaceLogLevel.Warning;

    public static void SetSink(Action<FaceLogLevel, string>? sink, FaceLogLevel minLevel)
    {
        s_minLevel = (int)minLevel;
        Volatile.Write(ref s_sink, sink);
    }

    public static bool IsEnabled(FaceLogLevel level) =>
        Volatile.Read(ref s_sink) is not null && (int)level >= s_minLevel;

    public static void Write(FaceLogLevel level, string message)
    {
        var sink = Volatile.Read(ref s_sink);
        if (sink is null || (int)level < s_minLevel)
            return;

        try
        {
            sink(level, message);
        }
        catch
        {
            // A faulty host callback must not turn a successful call into a failed one.
        }
    }

    public static void Warn(string message) => Write(FaceLogLevel.Warning, message);

    public static void Info(string message) => Write(FaceLogLevel.Info, message);
}
