using FaceNative;
using FaceNative.Imaging;
using FaceNative.Packs;
using SharpFuzz;

// AFL++ target for the paths that read untrusted bytes. A FaceException is the expected
// answer to bad input; any other exception, a hang or a native crash is a finding.
//   dotnet FaceNative.Fuzz.dll decode|pack           (under afl-fuzz, see fuzz/run.sh)
//   dotnet FaceNative.Fuzz.dll replay TARGET FILE…   (re-run findings without AFL)
if (args is ["replay", var replayTarget, ..])
{
    Action<byte[]> replay = Target(replayTarget);
    foreach (string file in args.Skip(2)) replay(File.ReadAllBytes(file));
    Console.WriteLine($"replayed {args.Length - 2} inputs without a finding");
    return;
}

Action<byte[]> body = Target(args.Length > 0 ? args[0] : "decode");
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    body(buffer.ToArray());
});

static Action<byte[]> Target(string name) => name switch
{
    "decode" => DecodeImage,
    "pack" => ParsePack,
    _ => throw new ArgumentException($"unknown fuzz target '{name}' (decode, pack)"),
};

static void DecodeImage(byte[] bytes)
{
    try
    {
        // A small limit keeps each execution fast; the header check is what is exercised.
        BgrImage image = ImageLoader.Decode(bytes, maxPixels: 4_000_000);
        if (image.Pixels.Length != image.Width * image.Height * 3)
            throw new InvalidOperationException("decoded image has an inconsistent size");
    }
    catch (FaceException)
    {
    }
}

static void ParsePack(byte[] bytes)
{
    try
    {
        ModelPack pack = ModelPack.Parse(System.Text.Encoding.UTF8.GetString(bytes), "fuzz");
        _ = pack.FloatSetting("det_thresh");
        _ = pack.Setting("det_size") is { } size ? EngineOptions.ParseDetectorSize(size) : default;
    }
    catch (FaceException)
    {
    }
}
