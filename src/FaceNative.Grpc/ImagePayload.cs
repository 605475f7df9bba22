namespace FaceNative.Grpc;

/// <summary>Turns a request's image string (plain base64 or a <c>data:…;base64,</c> URI) into
/// bytes. Never treats the string as a file path or URL: a request must not make the server
/// read its own files or reach the network.</summary>
public static class ImagePayload
{
    /// <param name="which">How the error messages name the image ("image", "img1", …).</param>
    public static byte[] Decode(string? text, string which)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FaceException(FaceErrorKind.InvalidArgument, $"{which} is required (base64 image data)");

        ReadOnlySpan<char> payload = text.AsSpan().Trim();
        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = payload.IndexOf(',');
            if (comma < 0 || !payload[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw new FaceException(FaceErrorKind.InvalidArgument,
                    $"{which}: only base64 data URIs (data:<type>;base64,<data>) are accepted");

            // "data:;base64," (no type) is allowed; a declared type must be an image type.
            ReadOnlySpan<char> mediaType = payload[5..comma][..^";base64".Length].Trim();
            if (mediaType.Length > 0 && !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                throw new FaceException(FaceErrorKind.InvalidArgument,
                    $"{which}: data URI media type '{mediaType.ToString()}' is not an image type");
            payload = payload[(comma + 1)..];
        }

        byte[] bytes = new byte[payload.Length / 4 * 3 + 3];
        if (Convert.TryFromBase64Chars(payload, bytes, out int written))
            return bytes.AsSpan(0, written).ToArray();

        // Python's base64 encoders are sometimes used without padding; accept that too.
        int pad = (4 - payload.Length % 4) % 4;
        if (pad is 1 or 2
            && Convert.TryFromBase64String(string.Concat(payload, new string('=', pad)), bytes, out written))
            return bytes.AsSpan(0, written).ToArray();

        throw new FaceException(FaceErrorKind.Decode, $"failed to decode {which}: not valid base64");
    }
}
