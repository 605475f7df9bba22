using System.Diagnostics;
using FaceNative;
using FaceNative.Imaging;

// The baseline of bench/abi/bench_abi.c: the same work through Core directly, no ABI.
// CompareEmbeddings is what face_verify_embeddings wraps; Decode + Embed is face_embed.
string faces = Environment.GetEnvironmentVariable("FACENATIVE_FACES") ?? "../shared/faces";
string path = args.Length > 0 ? args[0] : Path.Combine(faces, "id01/deepface_img5.jpg");
byte[] bytes = File.ReadAllBytes(path);

using FaceEngine engine = FaceEngine.Load(new EngineOptions { Threads = 1 });
float[] e1 = engine.Embed(engine.Decode(bytes)).Embedding;
float[] e2 = (float[])e1.Clone();
for (int i = 0; i < e2.Length; i += 7) e2[i] = -e2[i];

const int rounds = 15, calls = 200_000;
var verify = new double[rounds];
VerifyResult r = engine.CompareEmbeddings(e1, e2);
for (int k = 0; k < rounds; k++)
{
    long t0 = Stopwatch.GetTimestamp();
    for (int i = 0; i < calls; i++) r = engine.CompareEmbeddings(e1, e2);
    verify[k] = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / calls;
}
Array.Sort(verify);

const int embeds = 30;
var embedMs = new double[embeds];
for (int i = 0; i < 5; i++) engine.Embed(engine.Decode(bytes));
for (int i = 0; i < embeds; i++)
{
    long t0 = Stopwatch.GetTimestamp();
    BgrImage image = engine.Decode(bytes);
    engine.Embed(image);
    embedMs[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
}
Array.Sort(embedMs);

string runtimeKind = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT";
Console.WriteLine($"photo {path}, Core from C# ({runtimeKind})");
Console.WriteLine(
    $"CompareEmbeddings       {verify[0],10:F1} ns/call min, {verify[rounds / 2],10:F1} median " +
    $"({rounds} x {calls}), distance {r.Distance:F6}");
Console.WriteLine(
    $"Decode + Embed          {embedMs[0],10:F3} ms/call min, {embedMs[embeds / 2],10:F3} median ({embeds} calls)");
