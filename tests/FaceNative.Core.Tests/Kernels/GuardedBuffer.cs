using System.Runtime.InteropServices;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>
/// Bytes placed flush against an inaccessible page (after the end, or before the start), so a
/// kernel that reads one byte outside its input crashes the test instead of reading whatever
/// the managed heap happens to hold next to an array. Linux only (mmap/mprotect).
/// </summary>
internal sealed unsafe class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0, ProtReadWrite = 3, MapPrivateAnonymous = 0x22;
    private readonly byte* _map;
    private readonly nuint _mapLength;

    public GuardedBuffer(ReadOnlySpan<byte> content, bool guardAfter)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        nuint dataPages = ((nuint)content.Length + page - 1) / page;
        _mapLength = (dataPages + 2) * page;
        _map = (byte*)mmap(null, _mapLength, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (_map == (byte*)-1) throw new InvalidOperationException("mmap failed");
        mprotect(_map, page, ProtNone);
        mprotect(_map + (dataPages + 1) * page, page, ProtNone);

        byte* first = _map + page;
        Data = guardAfter ? first + dataPages * page - (nuint)content.Length : first;
        Length = content.Length;
        content.CopyTo(new Span<byte>(Data, Length));
    }

    public byte* Data { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => new(Data, Length);

    public void Dispose() => munmap(_map, _mapLength);

    [DllImport("libc", SetLastError = true)]
    private static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(void* addr, nuint length, int prot);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(void* addr, nuint length);
}
