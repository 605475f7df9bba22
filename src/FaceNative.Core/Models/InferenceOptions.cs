namespace FaceNative.Models;

public enum ExecutionProvider
{
    Cpu,
    Cuda,
}

/// <summary>How ONNX Runtime sessions are created.</summary>
/// <param name="Threads">Intra-op threads per session; 0 lets ONNX Runtime choose.</param>
/// <param name="Provider">Cuda falls back to Cpu, with a logged warning, where CUDA can't start.</param>
public sealed record InferenceOptions(int Threads = 0, ExecutionProvider Provider = ExecutionProvider.Cpu);
