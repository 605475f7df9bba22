using FaceNative;
using FaceNative.Grpc;
using FaceNative.Grpc.Protocol;
using FaceNative.Imaging;
using Google.Protobuf;
using FaceNative.Packs;
using SharpFuzz;

// AFL++ target for the paths that read untrusted bytes. A FaceException is the expected
// answer to bad input; any other exception, a hang or a native crash is a finding.
//   dotnet FaceNative.Fuzz.dll decode|pack|request|load   (under afl-fuzz, see fuzz/run.sh)
//   dotnet FaceNative.Fuzz.dll replay TARGET FILE…   (re-run findings without AFL)
if (args is ["replay", var replayTarget, ..])
{
    Action<byte[]> replay = Target(replayTarget);
    foreach (string file in args.Skip(2)) replay(File.ReadAllBytes(file));
    Console.WriteLine($"replayed {args.Length - 2} inputs without a finding");
    return;
}

if (args is ["seed", var seedTarget, var directory])
{
    WriteSeeds(seedTarget, directory);
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
    "request" => ParseVerifyRequest,
    "load" => ParseLoadRequest,
    _ => throw new ArgumentException($"unknown fuzz target '{name}' (decode, pack, request, load)"),
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

// A FaceVerify request off the wire: protobuf parsing, then each image's base64 / data URI
// payload, then decoding, exactly the server's path up to inference.
static void ParseVerifyRequest(byte[] bytes)
{
    try
    {
        FaceVerifyRequest request = FaceVerifyRequest.Parser.ParseFrom(bytes);
        foreach (var (text, which) in new[] { (request.Img1, "img1"), (request.Img2, "img2") })
            ImageLoader.Decode(ImagePayload.Decode(text, which), maxPixels: 4_000_000);
    }
    catch (Exception e) when (e is FaceException or InvalidProtocolBufferException)
    {
    }
}

// LoadModel's options: key:value parsing, paths, sizes and numbers, without loading models.
static void ParseLoadRequest(byte[] bytes)
{
    try
    {
        LoadRequest.From(ModelOptions.Parser.ParseFrom(bytes), serverConcurrency: 2);
    }
    catch (Exception e) when (e is FaceException or InvalidProtocolBufferException)
    {
    }
}

// Starting inputs for AFL: well-formed messages it can mutate field by field.
static void WriteSeeds(string target, string directory)
{
    using var pixels = new OpenCvSharp.Mat(2, 3, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(90));
    OpenCvSharp.Cv2.ImEncode(".png", pixels, out byte[] encoded);
    string png = Convert.ToBase64String(encoded);
    IMessage[] seeds = target switch
    {
        "request" =>
        [
            new FaceVerifyRequest { Img1 = png, Img2 = "data:image/png;base64," + png, Threshold = 0.5f },
            new FaceVerifyRequest { Img1 = png.TrimEnd('='), Img2 = png, AntiSpoofing = true },
        ],
        "load" =>
        [
            new ModelOptions
            {
                Model = "face", ModelPath = "/models", Threads = 2,
                Options = { "engine:insightface", "det_size:640x640", "det_thresh:0.5", "verify_threshold:0.6" },
            },
            new ModelOptions
            {
                Model = "face", Options = { "engine:onnx_direct", "detector_onnx:d.onnx", "recognizer_onnx:r.onnx" },
            },
        ],
        _ => throw new ArgumentException($"no seeds for target '{target}'"),
    };
    Directory.CreateDirectory(directory);
    for (int i = 0; i < seeds.Length; i++)
        File.WriteAllBytes(Path.Combine(directory, $"seed{i}.bin"), seeds[i].ToByteArray());
}
