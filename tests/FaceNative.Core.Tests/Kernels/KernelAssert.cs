using FaceNative.Imaging;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>Test data and comparisons shared by the kernel tests.</summary>
internal static class KernelAssert
{
    /// <summary>Every length 0…3 × the widest vector here (8 floats, 16 with AVX-512) plus the
    /// boundaries around the recognizer, attribute and liveness crop sizes.</summary>
    public static readonly int[] Lengths =
        [.. Enumerable.Range(0, 49), 63, 64, 65, 80, 96, 112, 127, 128, 129];

    /// <summary>Bit-for-bit equality of float buffers (every NaN counts as equal to every NaN).</summary>
    public static void BitEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            bool same = BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a)
                || (float.IsNaN(e) && float.IsNaN(a));
            if (!same)
                Assert.Fail($"{context}: element {i} differs: expected {e:R}, got {a:R}");
        }
    }

    /// <summary>A random 8-bit image with a given row stride; the bytes between rows hold
    /// junk that must never reach the output, and the buffer ends right after the last pixel
    /// (no slack), so any read past the end would have to come from outside the array.</summary>
    public static byte[] RandomPixels(Random rng, int width, int height, int stride, int bpp)
    {
        var pixels = new byte[stride * (height - 1) + width * bpp];
        rng.NextBytes(pixels);
        return pixels;
    }

    public static BgrImage RandomImage(Random rng, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        rng.NextBytes(pixels);
        return new BgrImage(width, height, pixels);
    }

    public static float[] RandomFloats(Random rng, int length, float scale = 1f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return values;
    }
}
