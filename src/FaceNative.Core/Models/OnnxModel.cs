using System.Buffers;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace FaceNative.Models;

/// <summary>One ONNX Runtime session plus what the pipeline needs to know about its graph.
/// Run is safe to call from many threads at once (ONNX Runtime sessions are).</summary>
public sealed class OnnxModel : IDisposable
{
    private static readonly object s_envLock = new();
    private static bool s_envReady;

    private readonly InferenceSession _session;

    private OnnxModel(string path, InferenceSession session, bool usesDynamicQuantization)
    {
        Path = path;
        _session = session;
        UsesDynamicQuantization = usesDynamicQuantization;
        InputName = session.InputNames[0];
        InputDimensions = session.InputMetadata[InputName].Dimensions;
        _outputNames = session.OutputNames.ToArray();
    }

    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    public string InputName { get; }

    /// <summary>Declared input shape; -1 marks a dynamic dimension.</summary>
    public int[] InputDimensions { get; }

    private readonly string[] _outputNames;

    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>Position of the output called <paramref name="name"/> in <see cref="Run"/>'s
    /// result, or -1.</summary>
    public int OutputIndex(string name) => Array.IndexOf(_outputNames, name);

    /// <summary>True when the graph quantises activations at run time: its outputs then depend
    /// on the other images of a batch, so such a model is run one image at a time.</summary>
    public bool UsesDynamicQuantization { get; }

    public static OnnxModel Load(string path, InferenceOptions options)
    {
        if (!File.Exists(path))
            throw new FaceException(FaceErrorKind.Model, $"model file not found: {path}");

        EnsureQuietEnvironment();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new FaceException(FaceErrorKind.Model, $"cannot read model {path}: {e.Message}", e);
        }

        var sessionOptions = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            InterOpNumThreads = 1,
        };
        try
        {
            if (options.Threads > 0)
                sessionOptions.IntraOpNumThreads = options.Threads;

            // Idle pool threads would otherwise busy-wait for the next op. With several
            // requests in parallel, or a host sharing the cores, that spinning starves the
            // threads doing real work (measured here: 2 threads per model ran about 2× slower
            // than 1 on two shared cores).
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            if (options.Provider == ExecutionProvider.Cuda)
                TryAppendCuda(sessionOptions, path);

            var session = new InferenceSession(bytes, sessionOptions);
            return new OnnxModel(path, session, ContainsAscii(bytes, "DynamicQuantizeLinear"));
        }
        catch (OnnxRuntimeException e)
        {
            throw new FaceException(FaceErrorKind.Model, $"cannot load model {path}: {e.Message}", e);
        }
        finally
        {
            sessionOptions.Dispose();
        }
    }

    /// <summary>Runs the model on one float tensor. The caller disposes the returned outputs.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(Memory<float> input, long[] shape)
    {
        try
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
            using var runOptions = new RunOptions();
            return _session.Run(runOptions, [InputName], [value], _outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new FaceException(FaceErrorKind.Model, $"inference failed in {FileName}: {e.Message}", e);
        }
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Rents a float buffer for an input tensor; return it with <see cref="ReturnBuffer"/>.</summary>
    internal static float[] RentBuffer(int length) => ArrayPool<float>.Shared.Rent(length);

    internal static void ReturnBuffer(float[] buffer) => ArrayPool<float>.Shared.Return(buffer);

    private static void TryAppendCuda(SessionOptions sessionOptions, string path)
    {
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(0);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            FaceLog.Warn($"CUDA unavailable for {System.IO.Path.GetFileName(path)}, using CPU: {e.Message}");
        }
    }

    /// <summary>ONNX Runtime logs warnings to stderr by default; a library must stay silent,
    /// so the process-wide environment is created at FATAL before any session exists.</summary>
    private static void EnsureQuietEnvironment()
    {
        lock (s_envLock)
        {
            if (s_envReady) return;
            try
            {
                var envOptions = new EnvironmentCreationOptions
                {
                    logId = "facenative",
                    logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
                };
                OrtEnv.CreateInstanceWithOptions(ref envOptions);
            }
            catch (OnnxRuntimeException)
            {
                // The host created the environment first; its settings stand.
            }
            s_envReady = true;
        }
    }

    private static bool ContainsAscii(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}
