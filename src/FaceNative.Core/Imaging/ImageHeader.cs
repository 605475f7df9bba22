using System.Buffers.Binary;

namespace FaceNative.Imaging;

/// <summary>
/// Reads an encoded image's declared size from its header without decoding it, so that a
/// tiny file declaring 30 000 × 30 000 pixels is refused before anything is allocated.
/// Formats not recognised here are checked after decoding instead.
/// </summary>
internal static class ImageHeader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool TryReadSize(ReadOnlySpan<byte> data, out string format, out long width, out long height)
    {
        format = "unknown";
        width = height = 0;

        if (data.Length >= 24 && data[..8].SequenceEqual(PngSignature))
        {
            format = "PNG";
            width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
            height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
            return true;
        }

        if (data.Length >= 26 && data[0] == (byte)'B' && data[1] == (byte)'M')
        {
            format = "BMP";
            width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[18..]));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
            return true;
        }

        if (data.Length >= 30 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            format = "WebP";
            return TryReadWebPSize(data, out width, out height);
        }

        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8)
        {
            format = "JPEG";
            return TryReadJpegSize(data, out width, out height);
        }

        return false;
    }

    /// <summary>
    /// Null unless a PNG chunk before IEND declares more bytes than the data holds; then what
    /// is wrong. OpenCV's PNG reader allocates a chunk's declared length before reading it, so
    /// a 74-byte file declaring a 4 GB chunk made it allocate 4 GB (a fuzz finding). A file
    /// cut inside a chunk is refused the same way (the decoder would fail on it anyway); one
    /// that ends between chunks, or inside the last chunk header, is left to the decoder.
    /// </summary>
    public static string? FindPngChunkProblem(ReadOnlySpan<byte> data)
    {
        for (int pos = 8; data.Length - pos >= 12;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            string type = System.Text.Encoding.ASCII.GetString(data.Slice(pos + 4, 4));
            long follows = data.Length - pos - 12;
            if (length > follows)
                return $"PNG chunk '{type}' at byte {pos} declares {length} bytes, {follows} follow";
            if (type == "IEND") break;
            pos += 12 + (int)length;
        }
        return null;
    }

    private static bool TryReadWebPSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        ReadOnlySpan<byte> chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
            height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
            return true;
        }
        if (chunk.SequenceEqual("VP8L"u8) && data[20] == 0x2F)
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            width = 1 + (bits & 0x3FFF);
            height = 1 + ((bits >> 14) & 0x3FFF);
            return true;
        }
        if (chunk.SequenceEqual("VP8 "u8))
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
            return true;
        }
        return false;
    }

    private static bool TryReadJpegSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        int pos = 2;

        // Walk the marker segments up to the first start-of-frame; entropy-coded data only
        // follows SOS, which comes after it. Bytes between segments are skipped up to the next
        // 0xFF, as libjpeg does ("extraneous bytes before marker"): otherwise a file with junk
        // before its SOF would hide its size from us but not from the decoder (a fuzz finding).
        while (pos + 9 < data.Length)
        {
            if (data[pos] != 0xFF)
            {
                int next = data[pos..].IndexOf((byte)0xFF);
                if (next < 0) return false;
                pos += next;
                continue;
            }
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker == 0x00) { pos += 2; continue; } // a stuffed 0xFF is junk here too, for libjpeg
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) { pos += 2; continue; }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            bool isStartOfFrame = marker >= 0xC0 && marker <= 0xCF
                && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (isStartOfFrame)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 7)..]);
                return true;
            }
            if (marker == 0xDA || length < 2) return false;
            pos += 2 + length;
        }
        return false;
    }
}
