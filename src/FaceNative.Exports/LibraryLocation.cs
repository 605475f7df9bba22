using System.Runtime.InteropServices;
using FaceNative.Packs;

namespace FaceNative.Exports;

/// <summary>
/// Where libfacenative.so itself lies. Inside a host process AppContext.BaseDirectory is the
/// host executable's folder (python's, a Go program's), not ours, so the installation's
/// <c>models</c> folder (<c>dist/lib/../models</c>) is found from the library's own path,
/// which dladdr reports for any address inside it.
/// </summary>
internal static unsafe partial class LibraryLocation
{
    private static int s_applied;

    /// <summary>Points <see cref="ModelLocator.InstallDirectory"/> at the models folder beside
    /// this library, once per process; leaves it alone if the path cannot be found.</summary>
    public static void ApplyToModelLocator()
    {
        if (Interlocked.Exchange(ref s_applied, 1) != 0) return;
        delegate* unmanaged<int> inside = &Exports.AbiVersionExport;
        DlInfo info;
        if (dladdr(inside, &info) == 0 || info.FileName is null) return;

        string? path = Marshal.PtrToStringUTF8((nint)info.FileName);
        string? folder = string.IsNullOrEmpty(path) ? null : Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) ModelLocator.InstallDirectory = ModelLocator.ModelsBeside(folder);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public byte* FileName;
        public void* BaseAddress;
        public byte* SymbolName;
        public void* SymbolAddress;
    }

    [LibraryImport("libc.so.6")]
    private static partial int dladdr(void* address, DlInfo* info);
}
