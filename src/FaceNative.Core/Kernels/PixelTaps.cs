using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FaceNative.Imaging;

namespace FaceNative.Kernels;

/// <summary>
/// How the bytes of one source pixel feed the three tensor channels, with the normalisation
/// of each channel: tensor channel c reads byte <c>Byte{c}</c> of the pixel.
/// </summary>
internal readonly struct ChannelTaps
{
    public readonly int Bpp, Byte0, Byte1, Byte2;
    public readonly float Mean0, Mean1, Mean2, Scale0, Scale1, Scale2;

    public ChannelTaps(PixelFormat format, ChannelNorm norm)
    {
        Bpp = PixelFormats.BytesPerPixel(format);
        Byte0 = ByteOf(format, norm.SourceIndex(0));
        Byte1 = ByteOf(format, norm.SourceIndex(1));
        Byte2 = ByteOf(format, norm.SourceIndex(2));
        (Mean0, Mean1, Mean2) = (norm.Mean0, norm.Mean1, norm.Mean2);
        (Scale0, Scale1, Scale2) = (norm.Scale0, norm.Scale1, norm.Scale2);
    }

    public int Byte(int c) => c == 0 ? Byte0 : c == 1 ? Byte1 : Byte2;

    public float Mean(int c) => c == 0 ? Mean0 : c == 1 ? Mean1 : Mean2;

    public float Scale(int c) => c == 0 ? Scale0 : c == 1 ? Scale1 : Scale2;

    /// <summary>Byte offset inside a pixel of the blue (0), green (1) or red (2) sample.</summary>
    private static int ByteOf(PixelFormat format, int bgrIndex) => format switch
    {
        PixelFormat.Bgr24 or PixelFormat.Bgra32 => bgrIndex,
        PixelFormat.Rgb24 or PixelFormat.Rgba32 => 2 - bgrIndex,
        _ => 0, // gray feeds every channel
    };
}

/// <summary>
/// Loads of 8-bit pixels at arbitrary byte offsets, four bytes at a time, shared by the
/// bilinear kernels. A 32-bit load at offset p reads p..p+3, which runs past the buffer for
/// the last pixels; the load is therefore moved back to <c>min(p, length − 4)</c> and the
/// value shifted right by the distance moved, so byte 0 of the result is always byte p and
/// nothing outside the buffer is touched. Callers guarantee length ≥ 4 and p &lt; length.
/// </summary>
internal static unsafe class PixelTaps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Gather(byte* pixels, Vector256<int> offset, Vector256<int> lastLoad)
    {
        Vector256<int> at = Vector256.Min(offset, lastLoad);
        Vector256<int> loaded = Avx2.GatherVector256((int*)pixels, at, 1);
        Vector256<uint> shift = Vector256.ShiftLeft(offset - at, 3).AsUInt32();
        return Avx2.ShiftRightLogicalVariable(loaded.AsUInt32(), shift).AsInt32();
    }

    /// <summary>The 128-bit form has no gather instruction to lean on: four scalar loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Gather(byte* pixels, Vector128<int> offset, int lastLoad)
    {
        return Vector128.Create(Load(pixels, offset.GetElement(0), lastLoad),
            Load(pixels, offset.GetElement(1), lastLoad),
            Load(pixels, offset.GetElement(2), lastLoad),
            Load(pixels, offset.GetElement(3), lastLoad));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Load(byte* pixels, int offset, int lastLoad)
    {
        int at = Math.Min(offset, lastLoad);
        return (int)(Unsafe.ReadUnaligned<uint>(pixels + at) >> ((offset - at) << 3));
    }

    /// <summary>Byte <paramref name="index"/> (0…3) of each lane as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Channel(Vector256<int> taps, int index) =>
        Vector256.ConvertToSingle(Vector256.ShiftRightLogical(taps, index << 3) & Vector256.Create(0xFF));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Channel(Vector128<int> taps, int index) =>
        Vector128.ConvertToSingle(Vector128.ShiftRightLogical(taps, index << 3) & Vector128.Create(0xFF));
}
