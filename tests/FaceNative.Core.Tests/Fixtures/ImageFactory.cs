using System.Buffers.Binary;
using System.IO.Compression;
using OpenCvSharp;

namespace FaceNative.Tests.Fixtures;

/// <summary>Builds odd and hostile image files in memory; nothing is committed as a file.</summary>
public static class ImageFactory
{
    /// <summary>Stores <paramref name="upright"/> so that a viewer honouring EXIF orientation
    /// <paramref name="orientation"/> (1–8) shows it upright again.</summary>
    public static byte[] JpegWithOrientation(Mat upright, int orientation)
    {
        using Mat stored = StoredFor(upright, orientation);
        Cv2.ImEncode(".jpg", stored, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        return InsertExifOrientation(jpeg, orientation);
    }

    /// <summary>The inverse of the display transform each EXIF orientation names.</summary>
    private static Mat StoredFor(Mat upright, int orientation)
    {
        var stored = new Mat();
        switch (orientation)
        {
            case 1: upright.CopyTo(stored); break;
            case 2: Cv2.Flip(upright, stored, FlipMode.Y); break;
            case 3: Cv2.Rotate(upright, stored, RotateFlags.Rotate180); break;
            case 4: Cv2.Flip(upright, stored, FlipMode.X); break;
            case 5: Cv2.Transpose(upright, stored); break;
            case 6: Cv2.Rotate(upright, stored, RotateFlags.Rotate90Counterclockwise); break;
            case 7:
                using (var t = new Mat())
                {
                    Cv2.Transpose(upright, t);
                    Cv2.Rotate(t, stored, RotateFlags.Rotate180);
                }
                break;
            case 8: Cv2.Rotate(upright, stored, RotateFlags.Rotate90Clockwise); break;
            default: throw new ArgumentOutOfRangeException(nameof(orientation));
        }
        return stored;
    }

    /// <summary>Adds an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation) after SOI.</summary>
    private static byte[] InsertExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] payload =
        [
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// <paramref name="bgr"/> in another PNG-storable layout: "rgba" (fully transparent, black
    /// pixels outside a margin around <paramref name="face"/>, as a cut-out photo stores them),
    /// "rgb16" and "gray16" (values × 257), or "gray".
    /// </summary>
    public static Mat Relayout(Mat bgr, string layout, FaceNative.Geometry.FaceBox face)
    {
        var result = new Mat();
        switch (layout)
        {
            case "rgba":
                Cv2.CvtColor(bgr, result, ColorConversionCodes.BGR2BGRA);
                var keep = new Rect((int)(face.X1 - face.Width), (int)(face.Y1 - face.Height),
                    (int)(3 * face.Width), (int)(3 * face.Height)).Intersect(new Rect(0, 0, bgr.Width, bgr.Height));
                using (var mask = new Mat(bgr.Size(), MatType.CV_8UC1, Scalar.All(255)))
                {
                    mask[keep].SetTo(Scalar.All(0));
                    result.SetTo(Scalar.All(0), mask);
                }
                break;
            case "rgb16":
                bgr.ConvertTo(result, MatType.CV_16UC3, 257);
                break;
            case "gray":
                Cv2.CvtColor(bgr, result, ColorConversionCodes.BGR2GRAY);
                break;
            case "gray16":
                using (var gray = new Mat())
                {
                    Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
                    gray.ConvertTo(result, MatType.CV_16UC1, 257);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(layout));
        }
        return result;
    }

    /// <summary>A valid PNG of the given size whose pixels are all zero, written by hand so a
    /// huge image costs only its compressed size (1-bit grayscale compresses ~1000:1).</summary>
    public static byte[] ZeroPng(int width, int height, byte bitDepth = 1, byte colorType = 0)
    {
        int bitsPerPixel = bitDepth * (colorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 });
        long rowBytes = ((long)width * bitsPerPixel + 7) / 8 + 1;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[rowBytes];
            for (int y = 0; y < height; y++) z.Write(row);
        }

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", raw.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>An 8-bit indexed-colour PNG of <paramref name="bgr"/> quantised to 6 levels per
    /// channel (216 palette entries).</summary>
    public static byte[] PalettePng(Mat bgr)
    {
        int width = bgr.Width, height = bgr.Height;
        var palette = new byte[216 * 3];
        for (int i = 0; i < 216; i++)
        {
            palette[3 * i] = (byte)(i / 36 * 51);
            palette[3 * i + 1] = (byte)(i / 6 % 6 * 51);
            palette[3 * i + 2] = (byte)(i % 6 * 51);
        }

        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    Vec3b p = bgr.At<Vec3b>(y, x);
                    int r = (p.Item2 + 25) / 51, g = (p.Item1 + 25) / 51, b = (p.Item0 + 25) / 51;
                    row[x + 1] = (byte)(r * 36 + g * 6 + b);
                }
                z.Write(row);
            }
        }

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 3;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "PLTE", palette);
        WriteChunk(png, "IDAT", raw.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
