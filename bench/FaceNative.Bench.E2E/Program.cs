using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FaceNative.Detection;
using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;
using FaceNative.Models;
using FaceNative.Recognition;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace FaceNative.Bench.E2E;

/// <summary>
/// End-to-end timing of detect → align → embed over the shared photos, one configuration per
/// child process (so each has its own peak memory): FaceNative's pipeline with a per-stage
/// breakdown and the time ONNX Runtime alone spends on the same tensors, and the same models
/// through OpenCV's own pipeline (FaceDetectorYN, or cv::dnn + blobFromImage), on 1 and 2
/// threads. Writes a markdown report.
/// </summary>
/// <remarks>
/// Usage (from the repository root):
/// <c>dotnet run -c Release --project bench/FaceNative.Bench.E2E -- [--faces DIR] [--models DIR]
/// [--images N] [--repeat R] [--out FILE]</c>. Defaults: ../shared/faces, $FACENATIVE_MODELS or
/// ../shared/models, every photo, 2 repeats per photo, bench/RESULTS-E2E.md.
/// </remarks>
public static class Program
{
    /// <summary>The default pack's recognizer (dynamically quantised: cv::dnn cannot load it,
    /// its DynamicQuantizeLinear layer is unknown there) and faceplugin's float recognizer,
    /// which both pipelines can run.</summary>
    private static readonly (string Name, string Model, float Mean, float Scale)[] s_recognizers =
    [
        ("w600k_mbf_uint8", "w600k_mbf_uint8_dynamic.onnx", 127.5f, 1f / 127.5f),
        ("faceplugin_fr", "faceplugin_fr_feature.onnx", 127f, 1f / 128f),
    ];

    private static readonly (string Name, string Model, string Format, int Size, float Score, float Nms)[] s_detectors =
    [
        ("SCRFD-2.5G", "scrfd_2.5g_kps.onnx", "scrfd", 640, 0.5f, 0.4f),
        ("YuNet-2023mar", "face_detection_yunet_2023mar.onnx", "yunet", 640, 0.6f, 0.3f),
    ];

    public static int Main(string[] args)
    {
        string faces = Option(args, "--faces") ?? "../shared/faces";
        string models = Option(args, "--models") ?? Environment.GetEnvironmentVariable("FACENATIVE_MODELS")
            ?? "../shared/models";
        int limit = int.Parse(Option(args, "--images") ?? "0", CultureInfo.InvariantCulture);
        string? child = Option(args, "--child");

        var files = Directory.EnumerateFiles(faces, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg") || f.EndsWith(".jpeg") || f.EndsWith(".png"))
            .Order(StringComparer.Ordinal).ToList();
        if (limit > 0) files = files.Take(limit).ToList();
        var images = files.Select(File.ReadAllBytes).ToList();

        if (child is not null)
            return RunChild(child, images, models);

        // The driver: one child per configuration, each printing one result line.
        var configs = new List<string>();
        foreach (var det in s_detectors)
            foreach (int threads in new[] { 1, 2 })
            {
                // The default pack's recognizer runs in FaceNative only (cv::dnn cannot load it);
                // one thread count suffices to show it next to the float one.
                if (threads == 1) configs.Add($"facenative:{det.Name}:{threads}:w600k_mbf_uint8");
                configs.Add($"facenative:{det.Name}:{threads}:faceplugin_fr");
                configs.Add($"opencv:{det.Name}:{threads}:faceplugin_fr");
            }
        var lines = new List<string>();
        foreach (string config in configs)
                {
                    Console.Error.WriteLine($"running {config} over {images.Count} images");
                    // Started as `dotnet X.dll` the host is dotnet itself and needs the dll again.
                    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
                    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                        start.ArgumentList.Add(typeof(Program).Assembly.Location);
                    foreach (string a in args) start.ArgumentList.Add(a);
                    start.ArgumentList.Add("--child");
                    start.ArgumentList.Add(config);
                    using var p = Process.Start(start)!;
                    string output = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    lines.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                    Console.Error.WriteLine(output.TrimEnd());
                }

        int repeat = int.Parse(Option(args, "--repeat") ?? "2", CultureInfo.InvariantCulture);
        string report = Render(lines, images.Count, faces, string.Join(' ', args), repeat);
        string outPath = Option(args, "--out") ?? "bench/RESULTS-E2E.md";
        File.WriteAllText(outPath, report);
        Console.WriteLine(report);
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int RunChild(string config, List<byte[]> images, string models)
    {
        string[] parts = config.Split(':');
        var det = s_detectors.Single(d => d.Name == parts[1]);
        int threads = int.Parse(parts[2], CultureInfo.InvariantCulture);
        var rec = s_recognizers.Single(r => r.Name == parts[3]);
        int repeat = int.Parse(Option(Environment.GetCommandLineArgs(), "--repeat") ?? "2",
            CultureInfo.InvariantCulture);
        Cv2.SetNumThreads(threads);

        Stages stages;
        try
        {
            stages = parts[0] == "facenative"
                ? FaceNativePipeline(images, models, det, rec, threads, repeat)
                : OpenCvPipeline(images, models, det, rec, repeat);
        }
        catch (Exception e) when (e is OpenCVException or FaceException)
        {
            Console.WriteLine($"{config}|error|{e.Message.Replace('\n', ' ').Replace('|', '/')}");
            return 0;
        }
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine($"{config}|ok|{stages.Serialize()}|{peak}");
        return 0;
    }

    /// <summary>Per-image stage times in milliseconds (each the minimum over the repeats of that
    /// image, which filters out preemption by other work on a shared machine).</summary>
    private sealed class Stages
    {
        public readonly Dictionary<string, List<double>> Times = new();
        public int Faces;

        public void Add(Dictionary<string, double> image)
        {
            foreach (var (stage, ms) in image)
            {
                if (!Times.TryGetValue(stage, out var list)) Times[stage] = list = new List<double>();
                list.Add(ms);
            }
        }

        public string Serialize() => string.Join(";", Times.Select(kv =>
            $"{kv.Key}={kv.Value.Sum().ToString("R", CultureInfo.InvariantCulture)}")) + $";faces={Faces}";
    }

    /// <summary>Runs <paramref name="once"/> (one photo through the pipeline, returning its stage
    /// times) <paramref name="repeat"/> times and keeps each stage's minimum.</summary>
    private static Dictionary<string, double> MinOver(int repeat, Func<Dictionary<string, double>> once)
    {
        Dictionary<string, double> best = once();
        for (int r = 1; r < repeat; r++)
            foreach (var (stage, ms) in once())
                best[stage] = Math.Min(best[stage], ms);
        return best;
    }

    private static double Ms(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    /// <summary>
    /// FaceNative: decode, detect (letterbox + inference + score filter + NMS), align (warp into
    /// the recognizer tensor), embed (inference + normalise). The detector and recognizer
    /// inputs are then run once more through ONNX Runtime alone, on the very tensors the
    /// pipeline built, to give the inference part of each stage.
    /// </summary>
    private static Stages FaceNativePipeline(List<byte[]> images, string models,
        (string Name, string Model, string Format, int Size, float Score, float Nms) det,
        (string Name, string Model, float Mean, float Scale) rec, int threads, int repeat)
    {
        var options = new InferenceOptions(threads);
        using var detector = FaceDetector.Create(det.Format, OnnxModel.Load(Path.Combine(models, det.Model), options));
        using var recognizer = OnnxModel.Load(Path.Combine(models, rec.Model), options);
        var detectorOptions = new DetectorOptions(det.Size, det.Size, det.Score, det.Nms);
        var norm = ChannelNorm.Uniform(ChannelOrder.Rgb, rec.Mean, rec.Scale);
        var detectorNorm = det.Format == "scrfd"
            ? ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 128f)
            : ChannelNorm.Uniform(ChannelOrder.Bgr, 0f, 1f);
        var crop = new float[3 * 112 * 112];
        var detectorInput = new float[3 * det.Size * det.Size];
        var stages = new Stages();

        Dictionary<string, double> Once(byte[] encoded, out bool found)
        {
            var times = new Dictionary<string, double>();
            long t = Stopwatch.GetTimestamp();
            BgrImage image = ImageLoader.Decode(encoded);
            times["decode"] = Ms(t);

            t = Stopwatch.GetTimestamp();
            IReadOnlyList<DetectedFace> faces = detector.Detect(image, detectorOptions);
            times["detect"] = Ms(t);

            times["align"] = times["embed"] = times["embed.ort"] = 0;
            if (faces.Count > 0)
            {
                t = Stopwatch.GetTimestamp();
                FaceAligner.AlignToTensor(image, faces[0].Landmarks, 112, norm, crop);
                times["align"] = Ms(t);

                t = Stopwatch.GetTimestamp();
                using (var outputs = recognizer.Run(crop, [1, 3, 112, 112]))
                {
                    float[] embedding = outputs[0].GetTensorDataAsSpan<float>().ToArray();
                    Cosine.TryNormalize(embedding);
                }
                times["embed"] = Ms(t);

                t = Stopwatch.GetTimestamp();
                using (recognizer.Run(crop, [1, 3, 112, 112])) { }
                times["embed.ort"] = Ms(t);
            }

            // The detector's letterbox once more on its own, then inference alone on its tensor.
            var layout = LetterboxLayout.Fit(image.Width, image.Height, det.Size, det.Size);
            t = Stopwatch.GetTimestamp();
            Letterbox.ToNchw(image, layout, detectorNorm, detectorInput);
            times["detect.letterbox"] = Ms(t);
            t = Stopwatch.GetTimestamp();
            using (detector.Model.Run(detectorInput, [1, 3, det.Size, det.Size])) { }
            times["detect.ort"] = Ms(t);

            times["total"] = times["decode"] + times["detect"] + times["align"] + times["embed"];
            times["ort"] = times["detect.ort"] + times["embed.ort"];
            found = faces.Count > 0;
            return times;
        }

        foreach (byte[] encoded in images.Take(3)) Once(encoded, out _);
        foreach (byte[] encoded in images)
        {
            bool found = false;
            stages.Add(MinOver(repeat, () => Once(encoded, out found)));
            if (found) stages.Faces++;
        }
        return stages;
    }

    /// <summary>
    /// OpenCV's own pipeline on the same models: imdecode; YuNet through FaceDetectorYN, or SCRFD
    /// through cv::dnn with resize + border + blobFromImage, decoded by the same rule as
    /// FaceNative and NMSBoxes; alignment by estimateAffinePartial2D + warpAffine +
    /// blobFromImage; the recognizer through cv::dnn.
    /// </summary>
    private static Stages OpenCvPipeline(List<byte[]> images, string models,
        (string Name, string Model, string Format, int Size, float Score, float Nms) det,
        (string Name, string Model, float Mean, float Scale) rec, int repeat)
    {
        using Net recognizer = CvDnn.ReadNetFromOnnx(Path.Combine(models, rec.Model))
            ?? throw new FaceException(FaceErrorKind.Model, "cv::dnn cannot read the recognizer");
        using FaceDetectorYN? yunet = det.Format == "yunet"
            ? FaceDetectorYN.Create(Path.Combine(models, det.Model), "", new OpenCvSharp.Size(det.Size, det.Size),
                det.Score, det.Nms, 5000, Backend.OPENCV, Target.CPU)
            : null;
        using Net? scrfd = det.Format == "scrfd" ? CvDnn.ReadNetFromOnnx(Path.Combine(models, det.Model)) : null;
        var template = new Point2f[5];
        for (int i = 0; i < 5; i++)
            template[i] = new Point2f(SimilarityTransform.ArcFaceTemplate112[i].X,
                SimilarityTransform.ArcFaceTemplate112[i].Y);
        var stages = new Stages();

        Dictionary<string, double> Once(byte[] encoded, out bool found)
        {
            var times = new Dictionary<string, double>();
            long t = Stopwatch.GetTimestamp();
            using Mat image = Cv2.ImDecode(encoded, ImreadModes.Color);
            times["decode"] = Ms(t);

            t = Stopwatch.GetTimestamp();
            Point2f[]? landmarks = yunet is not null ? DetectYuNet(yunet, image, det.Size)
                : DetectScrfd(scrfd!, image, det.Size, det.Score, det.Nms);
            times["detect"] = Ms(t);

            times["align"] = times["embed"] = 0;
            if (landmarks is not null)
            {
                t = Stopwatch.GetTimestamp();
                using var from = Mat.FromArray(landmarks);
                using var to = Mat.FromArray(template);
                using Mat m = Cv2.EstimateAffinePartial2D(from, to);
                using var aligned = new Mat();
                Cv2.WarpAffine(image, aligned, m, new OpenCvSharp.Size(112, 112));
                using Mat blob = CvDnn.BlobFromImage(aligned, rec.Scale, new OpenCvSharp.Size(112, 112),
                    new Scalar(rec.Mean, rec.Mean, rec.Mean), swapRB: true, crop: false);
                times["align"] = Ms(t);

                t = Stopwatch.GetTimestamp();
                recognizer.SetInput(blob);
                using Mat output = recognizer.Forward();
                using var normalized = new Mat();
                Cv2.Normalize(output, normalized);
                times["embed"] = Ms(t);
            }
            times["total"] = times["decode"] + times["detect"] + times["align"] + times["embed"];
            found = landmarks is not null;
            return times;
        }

        foreach (byte[] encoded in images.Take(3)) Once(encoded, out _);
        foreach (byte[] encoded in images)
        {
            bool found = false;
            stages.Add(MinOver(repeat, () => Once(encoded, out found)));
            if (found) stages.Faces++;
        }
        return stages;
    }

    /// <summary>OpenCvSharp's FaceDetectorYN has no setInputSize, so the detector is created once
    /// for 640×640 and each image letterboxed into that (resize + black border), as FaceNative does.</summary>
    private static Point2f[]? DetectYuNet(FaceDetectorYN yunet, Mat image, int size)
    {
        var layout = LetterboxLayout.Fit(image.Width, image.Height, size, size);
        using var resized = new Mat();
        Cv2.Resize(image, resized, new OpenCvSharp.Size(layout.ResizedWidth, layout.ResizedHeight));
        using var padded = new Mat();
        Cv2.CopyMakeBorder(resized, padded, 0, size - layout.ResizedHeight, 0, size - layout.ResizedWidth,
            BorderTypes.Constant, Scalar.All(0));
        using var faces = new Mat();
        yunet.Detect(padded, faces);
        if (faces.Rows == 0) return null;

        // Row layout: x, y, w, h, five (x, y) landmarks, score; best first.
        var points = new Point2f[5];
        for (int k = 0; k < 5; k++)
            points[k] = new Point2f(faces.At<float>(0, 4 + 2 * k) / layout.Scale,
                faces.At<float>(0, 5 + 2 * k) / layout.Scale);
        return points;
    }

    private static Point2f[]? DetectScrfd(Net net, Mat image, int size, float threshold, float nms)
    {
        var layout = LetterboxLayout.Fit(image.Width, image.Height, size, size);
        using var resized = new Mat();
        Cv2.Resize(image, resized, new OpenCvSharp.Size(layout.ResizedWidth, layout.ResizedHeight));
        using var padded = new Mat();
        Cv2.CopyMakeBorder(resized, padded, 0, size - layout.ResizedHeight, 0, size - layout.ResizedWidth,
            BorderTypes.Constant, Scalar.All(0));
        using Mat blob = CvDnn.BlobFromImage(padded, 1 / 128.0, new OpenCvSharp.Size(size, size),
            new Scalar(127.5, 127.5, 127.5), swapRB: true, crop: false);
        net.SetInput(blob);
        string[] names = net.GetUnconnectedOutLayersNames()!.Select(n => n!).ToArray();
        Mat[] outputs = names.Select(_ => new Mat()).ToArray();
        net.Forward(outputs, names);

        // Outputs by shape: [rows, 1] scores, [rows, 4] distances, [rows, 10] keypoints; the
        // rows of stride s are (size / s)² × 2 anchors.
        var boxes = new List<Rect2d>();
        var scores = new List<float>();
        var points = new List<float[]>();
        foreach (int stride in new[] { 8, 16, 32 })
        {
            int cols = size / stride, rows = cols * cols * 2;
            Mat Find(int width) => outputs.First(o => o.Total() == (long)rows * width);
            Mat s = Find(1), d = Find(4), k = Find(10);
            float[] sv = Read(s), dv = Read(d), kv = Read(k);
            for (int i = 0; i < rows; i++)
            {
                if (!(sv[i] >= threshold)) continue;
                int cell = i / 2;
                float cx = cell % cols * stride, cy = cell / cols * stride;
                float x1 = cx - dv[4 * i] * stride, y1 = cy - dv[4 * i + 1] * stride;
                float x2 = cx + dv[4 * i + 2] * stride, y2 = cy + dv[4 * i + 3] * stride;
                boxes.Add(new Rect2d(x1, y1, x2 - x1, y2 - y1));
                scores.Add(sv[i]);
                var kp = new float[10];
                for (int j = 0; j < 10; j++) kp[j] = (j % 2 == 0 ? cx : cy) + kv[10 * i + j] * stride;
                points.Add(kp);
            }
        }
        foreach (Mat o in outputs) o.Dispose();
        if (boxes.Count == 0) return null;

        CvDnn.NMSBoxes(boxes, scores, threshold, nms, out int[] keep);
        int best = keep.OrderByDescending(i => scores[i]).First();
        var result = new Point2f[5];
        for (int j = 0; j < 5; j++)
            result[j] = new Point2f(points[best][2 * j] / layout.Scale, points[best][2 * j + 1] / layout.Scale);
        return result;
    }

    private static float[] Read(Mat m)
    {
        var values = new float[m.Total()];
        Marshal.Copy(m.Data, values, 0, values.Length);
        return values;
    }

    private static string Render(List<string> lines, int imageCount, string faces, string arguments, int repeat)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine("# FaceNative end-to-end results");
        md.AppendLine();
        md.AppendLine("Regenerate (from the repository root, FACENATIVE_MODELS set or ../shared/models present; " +
            "about 10 minutes on 2 cores):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine($"dotnet run -c Release --project bench/FaceNative.Bench.E2E -- {arguments}");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine($"- {imageCount} photos from `{faces}` (JPEG/PNG), each decoded, detected, " +
            "the best face aligned " +
            $"and embedded; 3 photos of warm-up first; each stage the minimum of {repeat} runs " +
            "of the photo (`--repeat`). One process per row.");
        md.AppendLine($"- CPU: {CpuModel()} ({Environment.ProcessorCount} logical cores); " +
            $"{RuntimeInformation.FrameworkDescription}; OpenCV {Cv2.GetVersionString()}.");
        md.AppendLine("- Threads: ONNX Runtime intra-op threads (FaceNative) or cv::setNumThreads (OpenCV).");
        md.AppendLine("- ms are means per photo. \"ORT alone\" re-runs the detector and recognizer sessions on the " +
            "very tensors the pipeline built; \"non-inference\" = total − ORT alone, " +
            "with and without JPEG decoding.");
        md.AppendLine();
        md.AppendLine("| pipeline | detector | recognizer | threads | faces | total ms | photos/s | decode | " +
            "detect | " +
            "(letterbox) | (det. ORT alone) | align | embed | (emb. ORT alone) | non-inference | " +
            "non-inf. excl. decode | peak RSS MB |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        var totals = new Dictionary<(string Det, string Threads, string Rec, string Pipe), double>();
        foreach (string line in lines)
        {
            string[] f = line.Split('|');
            string[] cfg = f[0].Split(':');
            if (f.Length < 3 || f[1] != "ok")
            {
                md.AppendLine($"| {cfg[0]} | {cfg.ElementAtOrDefault(1)} | {cfg.ElementAtOrDefault(3)} | " +
                    $"{cfg.ElementAtOrDefault(2)} | error: {f.ElementAtOrDefault(2)} |");
                continue;
            }
            var sums = f[2].Split(';').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0],
                kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
            int n = imageCount;
            double Mean(string k) => sums.TryGetValue(k, out double v) ? v / n : double.NaN;
            string F(double v) => double.IsNaN(v) ? "–" : v.ToString("0.00", CultureInfo.InvariantCulture);
            double total = Mean("total"), ort = Mean("ort"), decode = Mean("decode");
            string nonInf = double.IsNaN(ort) ? "–" : $"{F(total - ort)} ({100 * (total - ort) / total:0.0} %)";
            string nonInfNoDecode = double.IsNaN(ort) ? "–"
                : $"{F(total - decode - ort)} ({100 * (total - decode - ort) / (total - decode):0.0} %)";
            totals[(cfg[1], cfg[2], cfg[3], cfg[0])] = total;
            md.AppendLine($"| {cfg[0]} | {cfg[1]} | {cfg[3]} | {cfg[2]} | {(int)sums["faces"]}/{n} | {F(total)} | " +
                $"{(1000 / total).ToString("0.0", CultureInfo.InvariantCulture)} | {F(decode)} | " +
                $"{F(Mean("detect"))} | {F(Mean("detect.letterbox"))} | {F(Mean("detect.ort"))} | " +
                $"{F(Mean("align"))} | {F(Mean("embed"))} | " +
                $"{F(Mean("embed.ort"))} | {nonInf} | {nonInfNoDecode} | " +
                $"{Mb(long.Parse(f[3], CultureInfo.InvariantCulture))} |");
        }

        md.AppendLine();
        md.AppendLine("Throughput of FaceNative relative to OpenCV's pipeline on the same models " +
            "(issue 5 target: ≥ 1.5×):");
        md.AppendLine();
        foreach (var key in totals.Keys.Where(k => k.Pipe == "facenative"))
            if (totals.TryGetValue((key.Det, key.Threads, key.Rec, "opencv"), out double cv))
            {
                double ratio = cv / totals[key];
                md.AppendLine($"- {key.Det} + {key.Rec}, {key.Threads} thread(s): " +
                    $"{ratio.ToString("0.00", CultureInfo.InvariantCulture)}× " +
                    $"({(ratio >= 1.5 ? "reached" : "missed")})");
            }
        md.AppendLine();
        md.AppendLine("The other target, everything that is not ONNX Runtime inference ≤ 10 % of the " +
            "per-photo time, is the \"non-inference\" column: JPEG decoding (libjpeg-turbo inside " +
            "OpenCV, the same call the OpenCV pipeline makes) is most of it.");
        return md.ToString();
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture);

    private static string CpuModel()
    {
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
        return line?.Split(':', 2)[1].Trim() ?? "unknown";
    }
}
