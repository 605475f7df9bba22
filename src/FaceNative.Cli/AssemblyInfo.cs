[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("FaceNative.Cli.Tests")]
