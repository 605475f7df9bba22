using FaceNative.Imaging;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Robustness;

/// <summary>One engine, many threads: every result equals the serial one, and failing calls
/// in between leave nothing behind.</summary>
public class ConcurrencyTests
{
    private static readonly string[] s_photos =
    [
        "id10/agt_obama.jpg", "id11/agt_biden.jpg", "id01/deepface_img5.jpg", "groups/isf_t1.jpg",
        "antispoof/sf_image_T1.jpg", "singles/isf_Tom_Hanks_54745.png",
    ];

    [Fact]
    public void EightThreads_FiveHundredMixedCalls_EqualSerial()
    {
        // The small detector at a small input keeps 4 000 calls to well under a minute on two
        // cores; the point is sharing one engine, not accuracy.
        using var engine = FaceEngine.Load(new EngineOptions
        {
            ModelsDirectory = TestData.ModelsDir,
            Pack = "fast",
            Threads = 1, // parallelism comes from the 8 callers; more ONNX Runtime threads only spin
            DetectorWidth = 160,
            DetectorHeight = 160,
        });
        byte[][] files = s_photos.Select(TestData.FaceBytes).ToArray();
        byte[] garbage = "not an image"u8.ToArray();
        string[] serial = Enumerable.Range(0, Kinds * files.Length)
            .Select(i => Call(engine, files, garbage, i))
            .ToArray();

        const int threads = 8, callsPerThread = 500;
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int c = 0; c < callsPerThread; c++)
            {
                int i = (t * 7919 + c * 31) % serial.Length;
                string result = Call(engine, files, garbage, i);
                if (result != serial[i]) mismatches.Add($"call {i}: {result} != {serial[i]}");
            }
        });

        Assert.Empty(mismatches);
    }

    private const int Kinds = 6;

    /// <summary>Call kind i % Kinds on photo i / Kinds, rendered as a comparable string.</summary>
    private static string Call(FaceEngine engine, byte[][] files, byte[] garbage, int i)
    {
        byte[] file = files[i / Kinds % files.Length];
        try
        {
            switch (i % Kinds)
            {
                case 0:
                    return string.Join(";", engine.Detect(engine.Decode(file)).Select(f => f.Box.ToString()));
                case 1:
                    // Every float, shortest round-trip form: equal strings mean equal bits.
                    return string.Join(",", engine.Embed(engine.Decode(file)).Embedding);
                case 2:
                    float[] a = engine.Embed(engine.Decode(file)).Embedding;
                    return engine.CompareEmbeddings(a, a).ToString();
                case 3:
                    BgrImage image = engine.Decode(file);
                    return engine.CheckLiveness(image, engine.SelectFace(engine.Detect(image))
                        ?? throw new FaceException(FaceErrorKind.NoFace, "no face")).ToString();
                case 4:
                    BgrImage decoded = engine.Decode(file);
                    BgrImage raw = engine.FromPixels(decoded.Pixels, decoded.Width, decoded.Height, 0,
                        PixelFormat.Bgr24);
                    return engine.Detect(raw).Count.ToString();
                default:
                    engine.Decode(garbage);
                    return "decoded garbage?";
            }
        }
        catch (FaceException e)
        {
            return $"{e.Kind}: {e.Message}";
        }
    }
}
