using System.Text;

namespace FaceNative.Tests.Fixtures;

/// <summary>
/// Writes tiny ONNX models as raw protobuf, so tests can stand in for models we have no
/// weights for (InsightFace genderage) or inject broken outputs (zero or NaN embeddings).
/// Only the handful of fields those graphs need are encoded.
/// </summary>
public static class OnnxGraph
{
    /// <summary>input [N,3,S,S] → mean over H and W → × weights (one per channel) → output [N,3].
    /// With zero or NaN weights it plays a broken recognizer; with chosen weights, a head whose
    /// output reveals the crop's channel means (and so its channel order).</summary>
    public static byte[] ChannelMeansTimes(string inputName, string outputName, int size, float[] weights,
        bool dynamicBatch)
    {
        var reduce = Node([inputName], ["means"], "ReduceMean",
            Attribute("axes", 7, a => a.Int(8, 2).Int(8, 3)),
            Attribute("keepdims", 2, a => a.Int(3, 0)));
        var multiply = Node(["means", "weights"], [outputName], "Mul");

        var initializer = new Proto().Int(1, 3).Int(2, 1).Text(8, "weights").Floats(9, weights);

        var graph = new Proto()
            .Message(1, reduce)
            .Message(1, multiply)
            .Text(2, "stand_in")
            .Message(5, initializer)
            .Message(11, ValueInfo(inputName, dynamicBatch, [3, size, size]))
            .Message(12, ValueInfo(outputName, dynamicBatch, [3]));

        return new Proto()
            .Int(1, 7)
            .Text(2, "facenative-tests")
            .Message(7, graph)
            .Message(8, new Proto().Text(1, "").Int(2, 13))
            .ToArray();
    }

    public static string WriteTemp(byte[] model, string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "facenative-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    private static Proto Node(string[] inputs, string[] outputs, string op, params Proto[] attributes)
    {
        var node = new Proto();
        foreach (string i in inputs) node.Text(1, i);
        foreach (string o in outputs) node.Text(2, o);
        node.Text(4, op);
        foreach (Proto attribute in attributes) node.Message(5, attribute);
        return node;
    }

    private static Proto Attribute(string name, int type, Func<Proto, Proto> value) =>
        value(new Proto().Text(1, name)).Int(20, type);

    /// <summary>A float tensor value: batch dimension symbolic ("N") or 1, then fixed dims.</summary>
    private static Proto ValueInfo(string name, bool dynamicBatch, int[] dims)
    {
        var shape = new Proto();
        shape.Message(1, dynamicBatch ? new Proto().Text(2, "N") : new Proto().Int(1, 1));
        foreach (int d in dims) shape.Message(1, new Proto().Int(1, d));
        var tensorType = new Proto().Int(1, 1).Message(2, shape);
        return new Proto().Text(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public byte[] ToArray() => _bytes.ToArray();

        public Proto Int(int field, long value)
        {
            Tag(field, 0);
            Varint((ulong)value);
            return this;
        }

        public Proto Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Floats(int field, float[] values)
        {
            var raw = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
            return Bytes(field, raw);
        }

        private Proto Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.WriteByte((byte)value);
        }
    }
}
