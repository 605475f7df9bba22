using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using FaceNative.Geometry;
using FaceNative.Imaging;
using FaceNative.Kernels;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using System.Numerics.Tensors;

namespace FaceNative.Bench;

/// <summary>Warp + normalise of a 112×112 recognizer crop from a 640×480 frame.</summary>
public class WarpBenchmarks
{
    private readonly BgrImage _image = Fixtures.Photo(640, 480);
    private readonly AffineMatrix _map = Fixtures.FaceCropMap();
    private readonly ChannelNorm _norm = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 127.5f);
    private readonly float[] _tensor = new float[3 * 112 * 112];
    private Mat _src = null!, _warped = null!, _matrix = null!;

    [GlobalSetup]
    public void Setup()
    {
        _src = Mat.FromPixelData(480, 640, MatType.CV_8UC3, _image.Pixels).Clone();
        _warped = new Mat(112, 112, MatType.CV_8UC3);
        _matrix = new Mat(2, 3, MatType.CV_64FC1);
        _matrix.Set(0, 0, _map.A); _matrix.Set(0, 1, _map.B); _matrix.Set(0, 2, _map.C);
        _matrix.Set(1, 0, _map.D); _matrix.Set(1, 1, _map.E); _matrix.Set(1, 2, _map.F);
    }

    [Benchmark(Baseline = true, Description = "scalar reference")]
    public void Reference() => AffineWarp.WarpToNchwReference(_image, _map, 112, 112, _norm, _tensor);

    [Benchmark(Description = "FaceNative vectorised")]
    public void Vectorised() => AffineWarp.WarpToNchw(_image, _map, 112, 112, _norm, _tensor);

    /// <summary>OpenCV's way: warpAffine (dst→src map) into an 8-bit crop, blobFromImage to
    /// normalise and transpose, then the blob's floats into the inference buffer.</summary>
    [Benchmark(Description = "OpenCV WarpAffine+BlobFromImage")]
    public void OpenCv()
    {
        Cv2.WarpAffine(_src, _warped, _matrix, new OpenCvSharp.Size(112, 112),
            InterpolationFlags.Linear | InterpolationFlags.WarpInverseMap, BorderTypes.Constant, Scalar.All(0));
        using Mat blob = CvDnn.BlobFromImage(_warped, 1 / 127.5, new OpenCvSharp.Size(112, 112),
            new Scalar(127.5, 127.5, 127.5), swapRB: true, crop: false);
        Marshal.Copy(blob.Data, _tensor, 0, _tensor.Length);
    }

    /// <summary>The same on one core: OpenCV spreads warpAffine over its thread pool, our
    /// kernel runs on the caller's thread (parallelism comes from concurrent requests).</summary>
    [GlobalSetup(Target = nameof(OpenCvOneThread))]
    public void SetupOneThread()
    {
        Setup();
        Cv2.SetNumThreads(1);
    }

    [Benchmark(Description = "OpenCV WarpAffine+BlobFromImage, 1 thread")]
    public void OpenCvOneThread() => OpenCv();
}

/// <summary>Detector input: a 1280×960 photo letterboxed into 640×640, normalised, planar.</summary>
public class LetterboxBenchmarks
{
    private readonly BgrImage _image = Fixtures.Photo(1280, 960);
    private readonly ChannelNorm _norm = ChannelNorm.Uniform(ChannelOrder.Rgb, 127.5f, 1f / 128f);
    private readonly float[] _tensor = new float[3 * 640 * 640];
    private LetterboxLayout _layout;
    private Mat _src = null!, _resized = null!, _padded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _layout = LetterboxLayout.Fit(1280, 960, 640, 640);
        _src = Mat.FromPixelData(960, 1280, MatType.CV_8UC3, _image.Pixels).Clone();
        _resized = new Mat(_layout.ResizedHeight, _layout.ResizedWidth, MatType.CV_8UC3);
        _padded = new Mat(640, 640, MatType.CV_8UC3);
    }

    [Benchmark(Baseline = true, Description = "scalar reference")]
    public void Reference() => Letterbox.ToNchwReference(_image, _layout, _norm, _tensor);

    [Benchmark(Description = "FaceNative vectorised")]
    public void Vectorised() => Letterbox.ToNchw(_image, _layout, _norm, _tensor);

    [Benchmark(Description = "OpenCV Resize+CopyMakeBorder+BlobFromImage")]
    public void OpenCv()
    {
        Cv2.Resize(_src, _resized, new OpenCvSharp.Size(_layout.ResizedWidth, _layout.ResizedHeight), 0, 0,
            InterpolationFlags.Linear);
        Cv2.CopyMakeBorder(_resized, _padded, 0, 640 - _layout.ResizedHeight, 0, 640 - _layout.ResizedWidth,
            BorderTypes.Constant, Scalar.All(0));
        using Mat blob = CvDnn.BlobFromImage(_padded, 1 / 128.0, new OpenCvSharp.Size(640, 640),
            new Scalar(127.5, 127.5, 127.5), swapRB: true, crop: false);
        Marshal.Copy(blob.Data, _tensor, 0, _tensor.Length);
    }

    [GlobalSetup(Target = nameof(OpenCvOneThread))]
    public void SetupOneThread()
    {
        Setup();
        Cv2.SetNumThreads(1);
    }

    [Benchmark(Description = "OpenCV Resize+CopyMakeBorder+BlobFromImage, 1 thread")]
    public void OpenCvOneThread() => OpenCv();
}

/// <summary>NMS of 5 000 detector candidates clustered around 60 faces, IoU 0.4.</summary>
public class NmsBenchmarks
{
    private FaceBox[] _boxes = null!;
    private float[] _scores = null!;
    private Rect2d[] _rects = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_boxes, _scores) = Fixtures.Candidates(5000, 60);
        _rects = _boxes.Select(b => new Rect2d(b.X1, b.Y1, b.Width, b.Height)).ToArray();
    }

    [Benchmark(Baseline = true, Description = "scalar reference")]
    public int[] Reference() => Nms.SuppressReference(_boxes, _scores, 0.4f, BoxAreaConvention.Continuous);

    [Benchmark(Description = "FaceNative vectorised")]
    public int[] Vectorised() => Nms.Suppress(_boxes, _scores, 0.4f, BoxAreaConvention.Continuous);

    [Benchmark(Description = "OpenCV CvDnn.NMSBoxes")]
    public int[] OpenCv()
    {
        CvDnn.NMSBoxes(_rects, _scores, 0f, 0.4f, out int[] indices);
        return indices;
    }
}

/// <summary>One 512-float dot product (an ArcFace embedding pair).</summary>
public class DotBenchmarks
{
    private readonly float[] _a = Fixtures.Floats(512, 1), _b = Fixtures.Floats(512, 2);

    [Benchmark(Baseline = true, Description = "scalar reference (double)")]
    public float Reference() => Cosine.DotReference(_a, _b);

    [Benchmark(Description = "FaceNative vectorised")]
    public float Vectorised() => Cosine.Dot(_a, _b);

    [Benchmark(Description = "TensorPrimitives.Dot")]
    public float Library() => TensorPrimitives.Dot(_a, _b);

    [Benchmark(Description = "TensorPrimitives.CosineSimilarity")]
    public float LibraryCosine() => TensorPrimitives.CosineSimilarity(_a, _b);
}

/// <summary>Finding the anchors over the threshold in SCRFD's stride-8 score map at 640×640
/// (12 800 scores, a handful above 0.5).</summary>
public class ScoreFilterBenchmarks
{
    private readonly float[] _scores = Fixtures.Floats(12800, 4).Select(v => MathF.Abs(v) * 0.52f).ToArray();
    private readonly int[] _indices = new int[12800];

    [Benchmark(Baseline = true, Description = "scalar reference")]
    public int Reference() => ScoreFilter.AtLeastReference(_scores, 0.5f, _indices);

    [Benchmark(Description = "FaceNative vectorised")]
    public int Vectorised() => ScoreFilter.AtLeast(_scores, 0.5f, _indices);
}
