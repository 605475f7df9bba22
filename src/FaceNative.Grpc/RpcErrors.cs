using Grpc.Core;

namespace FaceNative.Grpc;

/// <summary>Maps Core failures to the status codes LocalAI's HTTP layer turns into 400 / 404 /
/// 412 / 500.</summary>
public static class RpcErrors
{
    public static StatusCode CodeOf(FaceErrorKind kind) => kind switch
    {
        FaceErrorKind.InvalidArgument or FaceErrorKind.Decode or FaceErrorKind.TooLarge => StatusCode.InvalidArgument,
        FaceErrorKind.NoFace => StatusCode.NotFound,
        FaceErrorKind.NoLivenessModel or FaceErrorKind.NoAttributeModel => StatusCode.FailedPrecondition,
        _ => StatusCode.Internal,
    };

    public static RpcException From(FaceException e) => new(new Status(CodeOf(e.Kind), e.Message));

    public static RpcException NotLoaded() =>
        new(new Status(StatusCode.FailedPrecondition, "face model not loaded: call LoadModel first"));

    public static RpcException IdentityMismatch(string requested, string loaded) =>
        new(new Status(StatusCode.NotFound,
            $"model identity mismatch: request is for '{requested}', this backend has '{loaded}' loaded"));
}
