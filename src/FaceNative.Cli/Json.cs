using System.Text.Encodings.Web;
using System.Text.Json;
using FaceNative.Detection;
using FaceNative.Geometry;

namespace FaceNative.Cli;

/// <summary>JSON on stdout, written with Utf8JsonWriter (no reflection, so NativeAOT-safe).</summary>
internal static class Json
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one JSON document as one line on stdout.</summary>
    public static void WriteLine(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
            write(writer);
        buffer.WriteByte((byte)'\n');
        using Stream stdout = Console.OpenStandardOutput();
        buffer.WriteTo(stdout);
        stdout.Flush();
    }

    public static void Box(Utf8JsonWriter w, string name, FaceBox box)
    {
        w.WriteStartArray(name);
        w.WriteNumberValue(Round(box.X1));
        w.WriteNumberValue(Round(box.Y1));
        w.WriteNumberValue(Round(box.X2));
        w.WriteNumberValue(Round(box.Y2));
        w.WriteEndArray();
    }

    /// <summary>LocalAI's FacialArea: x, y, w, h.</summary>
    public static void Region(Utf8JsonWriter w, string name, FaceBox? box)
    {
        w.WriteStartObject(name);
        if (box is { } b)
        {
            w.WriteNumber("x", Round(b.X1));
            w.WriteNumber("y", Round(b.Y1));
            w.WriteNumber("w", Round(b.Width));
            w.WriteNumber("h", Round(b.Height));
        }
        w.WriteEndObject();
    }

    public static void Face(Utf8JsonWriter w, DetectedFace face)
    {
        w.WriteStartObject();
        Box(w, "box", face.Box);
        w.WriteNumber("score", Round(face.Score, 4));
        w.WriteStartArray("landmarks");
        foreach (PointF p in face.Landmarks)
        {
            w.WriteStartArray();
            w.WriteNumberValue(Round(p.X));
            w.WriteNumberValue(Round(p.Y));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Rounds for output. Core never hands out a non-finite number; should one slip
    /// through, the command fails (exit 5) rather than print a made-up 0.</summary>
    public static double Round(float value, int digits = 2) => float.IsFinite(value)
        ? Math.Round(value, digits)
        : throw new InvalidOperationException($"non-finite value {value} in the output");
}
