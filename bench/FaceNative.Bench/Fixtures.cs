using FaceNative.Geometry;
using FaceNative.Imaging;

namespace FaceNative.Bench;

/// <summary>Deterministic inputs shared by the benchmarks (the kernel tests build theirs the
/// same way): a noisy photo-sized image, detector-like candidate boxes, embeddings.</summary>
internal static class Fixtures
{
    public static BgrImage Photo(int width, int height, int seed = 1)
    {
        var rng = new Random(seed);
        var pixels = new byte[width * height * 3];
        rng.NextBytes(pixels);
        return new BgrImage(width, height, pixels);
    }

    /// <summary>A 112×112 ArcFace-style crop of a face about 180 px wide, slightly rotated.</summary>
    public static AffineMatrix FaceCropMap(int outSize = 112)
    {
        double scale = 180.0 / outSize, angle = 0.12;
        double a = scale * Math.Cos(angle), b = -scale * Math.Sin(angle);
        double cx = 320, cy = 240;
        return new AffineMatrix(a, b, cx - a * outSize / 2 - b * outSize / 2,
            -b, a, cy + b * outSize / 2 - a * outSize / 2);
    }

    /// <summary>Candidates the way a detector produces them: jittered around a few dozen faces.</summary>
    public static (FaceBox[] Boxes, float[] Scores) Candidates(int count, int faces, int seed = 3)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, faces)
            .Select(_ => (X: rng.NextSingle() * 1200, Y: rng.NextSingle() * 900, S: 20 + rng.NextSingle() * 150))
            .ToArray();
        var boxes = new FaceBox[count];
        var scores = new float[count];
        for (int i = 0; i < count; i++)
        {
            var c = centres[rng.Next(faces)];
            float s = c.S * (0.8f + 0.4f * rng.NextSingle());
            float x = c.X + (rng.NextSingle() - 0.5f) * s * 0.4f, y = c.Y + (rng.NextSingle() - 0.5f) * s * 0.4f;
            boxes[i] = new FaceBox(x, y, x + s, y + s * 1.2f);
            scores[i] = rng.NextSingle();
        }
        return (boxes, scores);
    }

    public static float[] Floats(long count, int seed)
    {
        var rng = new Random(seed);
        var values = GC.AllocateUninitializedArray<float>(checked((int)count));
        // Random block repeated with a per-copy offset: cheap to fill at 10⁶ × 512 and still no
        // two rows equal.
        int block = (int)Math.Min(count, 1 << 16);
        for (int i = 0; i < block; i++) values[i] = rng.NextSingle() * 2 - 1;
        for (long start = block, copy = 1; start < count; start += block, copy++)
        {
            int n = (int)Math.Min(block, count - start);
            float shift = copy * 1e-4f;
            for (int i = 0; i < n; i++) values[start + i] = values[i] + shift;
        }
        return values;
    }
}
