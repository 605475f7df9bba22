namespace FaceNative;

/// <summary>What kind of failure a <see cref="FaceException"/> reports. Each kind maps to one
/// C status code, one Python exception class, one Go error value and one gRPC status.</summary>
public enum FaceErrorKind
{
    InvalidArgument,
    Decode,
    NoFace,
    Model,
    NoLivenessModel,
    NoAttributeModel,
    TooLarge,
    Internal,
}

/// <summary>The one exception type Core throws for anything a caller can cause or fix.</summary>
public sealed class FaceException : Exception
{
    public FaceException(FaceErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public FaceErrorKind Kind { get; }
}
