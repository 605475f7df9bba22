using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace FaceNative.Exports;

/// <summary>
/// The per-thread message behind face_last_error(). Each thread owns one native buffer that
/// only grows, so the pointer handed out stays valid until the thread's next call rewrites it.
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static byte* t_buffer;
    [ThreadStatic] private static int t_capacity;

    public static byte* Current => t_buffer is null ? Empty : t_buffer;

    /// <summary>Every export calls this on success; a thread that never failed pays one
    /// thread-static read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear()
    {
        byte* buffer = t_buffer;
        if (buffer is not null) *buffer = 0;
    }

    public static int Set(int status, string message)
    {
        int length = Encoding.UTF8.GetByteCount(message);
        if (length + 1 > t_capacity)
        {
            int capacity = Math.Max(256, length + 1);
            t_buffer = (byte*)NativeMemory.Realloc(t_buffer, (nuint)capacity);
            t_capacity = capacity;
        }
        fixed (char* chars = message)
            Encoding.UTF8.GetBytes(chars, message.Length, t_buffer, length);
        t_buffer[length] = 0;
        return status;
    }

    /// <summary>Maps any exception to its status and message. Nothing escapes an export.</summary>
    public static int From(Exception e)
    {
        if (e is FaceException face)
            return Set(Status.Of(face.Kind), face.Message);

        FaceLog.Write(FaceLogLevel.Error, $"internal error: {e}");
        return Set(Status.Internal, $"internal error: {e.GetType().Name}: {e.Message}");
    }

    private static readonly byte* Empty = NativeText.Static("");
}
