using System.Runtime.InteropServices;
using System.Text;

namespace FaceNative.Exports;

/// <summary>UTF-8 strings in native memory, for the char pointers the header hands out.</summary>
internal static unsafe class NativeText
{
    /// <summary>A copy that lives until <see cref="Free"/> (or forever, for statics).</summary>
    public static byte* Static(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        byte* p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        fixed (char* chars = text)
            Encoding.UTF8.GetBytes(chars, text.Length, p, length);
        p[length] = 0;
        return p;
    }

    public static void Free(byte* p) => NativeMemory.Free(p);

    /// <summary>Reads a caller's NUL-terminated UTF-8 string; null stays null.</summary>
    public static string? Read(byte* p) => p is null ? null : Marshal.PtrToStringUTF8((nint)p);
}
