using System.Diagnostics;
using System.Text.Json;
using FaceNative.Grpc.Protocol;
using Xunit;

namespace FaceNative.Grpc.Tests;

/// <summary>A client in another language, with stubs generated from our .proto at test time by
/// Debian's grpc_tools, must get the same answers as the C# client.</summary>
[Collection(LoadedServerCollection.Name)]
public sealed class PythonClientTests(LoadedServerFixture fixture)
{
    // Debian's interpreter: python3-grpcio and python3-grpc-tools live there, not in a pyenv.
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void PythonGrpcio_SameAnswersAsCSharp()
    {
        Assert.True(File.Exists(Python),
            $"{Python} missing: apt-get install python3 python3-grpcio python3-grpc-tools");
        string stubs = Directory.CreateTempSubdirectory("facenative-pystubs-").FullName;
        try
        {
            string protoDir = Path.GetDirectoryName(TestPaths.ProtoFile)!;
            (int rc, string stdout, string stderr) = Run(Python, null, "-m", "grpc_tools.protoc", $"-I{protoDir}",
                $"--python_out={stubs}", $"--grpc_python_out={stubs}", TestPaths.ProtoFile);
            Assert.True(rc == 0, $"grpc_tools.protoc failed ({rc}): {stderr} (needs python3-grpc-tools)");

            string a = Path.Combine(TestPaths.FacesDirectory, Photos.PersonA1);
            string b = Path.Combine(TestPaths.FacesDirectory, Photos.PersonA2);
            string script = Path.Combine(AppContext.BaseDirectory, "python", "crosscheck.py");
            (rc, stdout, stderr) = Run(Python, stubs, script, fixture.Server.Address, a, b);
            Assert.True(rc == 0, $"crosscheck.py failed ({rc}): {stderr} {fixture.Context}");

            using JsonDocument doc = JsonDocument.Parse(stdout);
            JsonElement py = doc.RootElement;
            Assert.Equal("OK", py.GetProperty("health").GetString());
            Assert.Equal("READY", py.GetProperty("state").GetString());
            Assert.Equal("EMBEDDING_LAYOUT_FINAL", py.GetProperty("layout").GetString());
            Assert.Equal("INVALID_ARGUMENT", py.GetProperty("no_image").GetString());
            Assert.StartsWith("NOT_FOUND: model identity mismatch", py.GetProperty("identity").GetString());

            var embed = new PredictOptions();
            embed.Images.Add(TestPaths.PhotoBase64(Photos.PersonA1));
            EmbeddingResult mine = fixture.Client.Embedding(embed, deadline: ServerProcess.Deadline());
            float[] theirs = py.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(mine.Dim, py.GetProperty("dim").GetInt32());
            Assert.Equal(mine.Embeddings.Count, theirs.Length);
            Assert.True(mine.Embeddings.Zip(theirs, (x, y) => MathF.Abs(x - y)).Max() < 1e-6f);

            DetectResponse detect = fixture.Client.Detect(new DetectOptions { Src = embed.Images[0] },
                deadline: ServerProcess.Deadline());
            JsonElement[] pyDetections = py.GetProperty("detections").EnumerateArray().ToArray();
            Assert.Equal(detect.Detections.Count, pyDetections.Length);
            for (int i = 0; i < pyDetections.Length; i++)
            {
                Assert.Equal(detect.Detections[i].X, pyDetections[i][0].GetSingle(), 3);
                Assert.Equal(detect.Detections[i].Confidence, pyDetections[i][4].GetSingle(), 5);
                Assert.Equal("face", pyDetections[i][5].GetString());
            }

            FaceVerifyResponse verify = fixture.Client.FaceVerify(new FaceVerifyRequest
            {
                Img1 = embed.Images[0],
                Img2 = TestPaths.PhotoBase64(Photos.PersonA2),
            }, deadline: ServerProcess.Deadline());
            JsonElement pyVerify = py.GetProperty("verify");
            Assert.Equal(verify.Verified, pyVerify.GetProperty("verified").GetBoolean());
            Assert.Equal(verify.Distance, pyVerify.GetProperty("distance").GetSingle(), 5);
            Assert.Equal(verify.Threshold, pyVerify.GetProperty("threshold").GetSingle(), 5);
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }

    private static (int Rc, string Stdout, string Stderr) Run(string exe, string? pythonPath, params string[] args)
    {
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        if (pythonPath is not null) info.Environment["PYTHONPATH"] = pythonPath;
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill();
            return (-1, stdout.Result, "timed out after 180 s\n" + stderr.Result);
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
