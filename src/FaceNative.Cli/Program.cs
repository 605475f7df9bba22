using System.CommandLine;
using FaceNative;
using FaceNative.Cli;

// Warnings from the engine (e.g. a CUDA fallback) go to stderr; stdout is for JSON only.
FaceLog.SetSink((level, message) => Console.Error.WriteLine($"{level.ToString().ToLowerInvariant()}: {message}"),
    FaceLogLevel.Warning);

var common = new CommonOptions();
var root = new RootCommand(
    "FaceNative face recognition. JSON on stdout, progress and errors on stderr.\n" +
    "Exit codes: 0 ok, 1 usage, 2 bad input, 3 no face, 4 model error, 5 internal error.");
common.AddTo(root);
root.Subcommands.Add(FaceCommands.Detect(common));
root.Subcommands.Add(FaceCommands.Embed(common));
root.Subcommands.Add(FaceCommands.Verify(common));
root.Subcommands.Add(FaceCommands.Analyze(common));
root.Subcommands.Add(ModelsCommands.Create(common));

ParseResult parse = root.Parse(args);
// A parse error's message and usage text go to stderr: stdout carries JSON only.
return parse.Errors.Count > 0
    ? parse.Invoke(new InvocationConfiguration { Output = Console.Error })
    : parse.Invoke();
