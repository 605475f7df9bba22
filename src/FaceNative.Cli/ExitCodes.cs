namespace FaceNative.Cli;

/// <summary>Process exit codes; documented in the README and `facenative --help`.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int BadInput = 2;
    public const int NoFace = 3;
    public const int ModelError = 4;
    public const int Internal = 5;

    public static int For(FaceErrorKind kind) => kind switch
    {
        FaceErrorKind.InvalidArgument or FaceErrorKind.Decode or FaceErrorKind.TooLarge => BadInput,
        FaceErrorKind.NoFace => NoFace,
        FaceErrorKind.Model or FaceErrorKind.NoLivenessModel or FaceErrorKind.NoAttributeModel => ModelError,
        _ => Internal,
    };
}
