using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FaceNative.Bench;

/// <summary>
/// Runs the kernel benchmarks (BenchmarkDotNet; a short job unless --job says otherwise) and,
/// with <c>--results PATH</c>, writes them as markdown with the machine description and
/// each row's speed-up over the baseline of its class.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? resultsPath = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--results" && i + 1 < args.Length) resultsPath = args[++i];
            else rest.Add(args[i]);
        }
        if (!rest.Contains("--filter")) rest.AddRange(["--filter", "*"]);

        IConfig config = DefaultConfig.Instance;
        if (!rest.Contains("--job")) config = config.AddJob(Job.ShortRun);
        // Run from the repository root (as RESULTS.md says), artifacts go where .gitignore expects.
        if (Directory.Exists("bench"))
            config = config.WithArtifactsPath(Path.GetFullPath(Path.Combine("bench", "BenchmarkDotNet.Artifacts")));
        Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), config)
            .ToArray();

        if (resultsPath is not null)
            File.WriteAllText(resultsPath, Render(summaries, string.Join(' ', args)));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static string Render(Summary[] summaries, string arguments)
    {
        var md = new StringBuilder();
        md.AppendLine("# FaceNative benchmark results");
        md.AppendLine();
        md.AppendLine("Regenerate (from the repository root, about 10 minutes on 2 cores):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine("dotnet run -c Release --project bench/FaceNative.Bench -- --results bench/RESULTS.md");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine($"- CPU: {CpuModel()} ({Environment.ProcessorCount} logical cores)");
        md.AppendLine($"- Runtime: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
        md.AppendLine($"- ISA: AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported}, AVX-512F {Avx512F.IsSupported}; " +
            $"Vector256 accelerated {Vector256.IsHardwareAccelerated}, Vector512 {Vector512.IsHardwareAccelerated}");
        md.AppendLine($"- Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, BenchmarkDotNet short job " +
            $"(3 warm-ups, 3 iterations); arguments: `{arguments}`");
        md.AppendLine("- Times are medians. “× baseline” = baseline median / this median, “× library” = " +
            "the library alternative's median (OpenCV or TensorPrimitives) / this median; higher is faster.");
        md.AppendLine("- The machine is shared (2 cores, other builds running): figures move by ±30 % between " +
            "runs; compare rows of one table, which ran minutes apart.");
        md.AppendLine("- These run under the JIT, which uses every instruction set the CPU has. The shipped " +
            "NativeAOT binaries (CLI, libfacenative.so, gRPC server) are compiled for x86-64-v3 and take the " +
            "AVX2 paths; `DOTNET_EnableAVX512=0` in front of the command measures those.");
        md.AppendLine();

        md.AppendLine("## Targets (issue 5)");
        md.AppendLine();
        const string warp = "OpenCV WarpAffine+BlobFromImage";
        md.AppendLine($"- Warp + normalise 112×112 vs OpenCV WarpAffine + BlobFromImage (≥ 3×): " +
            $"{Speedup(summaries, nameof(WarpBenchmarks), "FaceNative vectorised", warp, 3)} against " +
            $"OpenCV on all cores, {Speedup(summaries, nameof(WarpBenchmarks), "FaceNative vectorised",
                warp + ", 1 thread", 3)} against OpenCV on one core (our kernel runs on the caller's thread)");
        md.AppendLine($"- NMS of 5 000 boxes vs CvDnn.NMSBoxes (≥ 3×): " +
            $"{Speedup(summaries, nameof(NmsBenchmarks), "FaceNative vectorised", "OpenCV", 3)}");
        md.AppendLine($"- Top-k over 10⁶ × 512 vs memory-read bandwidth (≥ 70 %): all cores " +
            $"{Share(summaries, "FaceNative TopK.Search (all cores)", "memory read", 70)} of the fastest read; " +
            $"one thread {Share(summaries, "FaceNative TopK.Search (1 thread)", "memory read (vector sum, 1", 70)} " +
            "of a one-thread read");
        md.AppendLine();

        foreach (Summary summary in summaries)
        {
            var groups = summary.Reports.GroupBy(r => r.BenchmarkCase.Parameters.DisplayInfo);
            foreach (var group in groups)
            {
                string title = group.First().BenchmarkCase.Descriptor.Type.Name;
                md.AppendLine($"## {title}{(string.IsNullOrEmpty(group.Key) ? "" : " " + group.Key)}");
                md.AppendLine();
                var baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
                double? baseMedian = baseline?.ResultStatistics?.Median;
                bool bandwidth = title == nameof(TopKBenchmarks);
                double? libraryMedian = group.FirstOrDefault(r => IsLibrary(r))?.ResultStatistics?.Median;
                md.AppendLine(bandwidth ? "| method | median | × baseline | × library | GB/s | % of fastest read |"
                    : "| method | median | × baseline | × library |");
                md.AppendLine(bandwidth ? "|---|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|");
                foreach (BenchmarkReport report in group)
                {
                    double? median = report.ResultStatistics?.Median;
                    string name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo;
                    string ratio = median is > 0 && baseMedian is > 0
                        ? (baseMedian.Value / median.Value).ToString("0.00", CultureInfo.InvariantCulture) : "–";
                    string vsLibrary = median is > 0 && libraryMedian is > 0
                        ? (libraryMedian.Value / median.Value).ToString("0.00", CultureInfo.InvariantCulture) : "–";
                    string line = $"| {name.Trim('\'')} | {Format(median)} | {ratio} | {vsLibrary} |";
                    if (bandwidth && median is > 0)
                    {
                        int rows = (int)report.BenchmarkCase.Parameters["Rows"];
                        double bytes = (double)rows * TopKBenchmarks.Dimension * sizeof(float);
                        double gbs = bytes / median.Value; // bytes per ns = GB/s
                        double? read = FastestRead(group);
                        double share = read is > 0 ? 100 * read.Value / median.Value : double.NaN;
                        line += $" {gbs.ToString("0.0", CultureInfo.InvariantCulture)} | " +
                            $"{share.ToString("0", CultureInfo.InvariantCulture)} % |";
                    }
                    md.AppendLine(line);
                }
                md.AppendLine();
            }
        }
        return md.ToString();
    }

    private static IEnumerable<BenchmarkReport> Reports(Summary[] summaries, string type) =>
        summaries.SelectMany(s => s.Reports).Where(r => r.BenchmarkCase.Descriptor.Type.Name == type);

    /// <summary>The median of the row named <paramref name="prefix"/>, else of the first row
    /// whose name starts with it.</summary>
    private static double? MedianOf(IEnumerable<BenchmarkReport> reports, string prefix)
    {
        static string Name(BenchmarkReport r) => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
        var list = reports.ToList();
        return (list.FirstOrDefault(r => Name(r) == prefix) ?? list.FirstOrDefault(r => Name(r).StartsWith(prefix)))
            ?.ResultStatistics?.Median;
    }

    private static string Speedup(Summary[] summaries, string type, string ours, string library, double target)
    {
        var reports = Reports(summaries, type).ToList();
        double? a = MedianOf(reports, ours), b = MedianOf(reports, library);
        if (a is not > 0 || b is not > 0) return "not measured";
        double ratio = b.Value / a.Value;
        return $"{ratio.ToString("0.00", CultureInfo.InvariantCulture)}× ({Verdict(ratio >= target)})";
    }

    /// <summary>Search speed as a share of the fastest read row whose name starts with
    /// <paramref name="read"/>, over 10⁶ rows.</summary>
    private static string Share(Summary[] summaries, string ours, string read, double targetPercent)
    {
        var reports = Reports(summaries, nameof(TopKBenchmarks))
            .Where(r => (int)r.BenchmarkCase.Parameters["Rows"] == 1_000_000).ToList();
        double? a = MedianOf(reports, ours), limit = FastestRead(reports, read);
        if (a is not > 0 || limit is not > 0) return "not measured";
        double percent = 100 * limit.Value / a.Value;
        return $"{percent.ToString("0", CultureInfo.InvariantCulture)} % ({Verdict(percent >= targetPercent)})";
    }

    private static string Verdict(bool reached) => reached ? "reached" : "missed";

    /// <summary>The read bandwidth the search is held against: the faster of the read rows.</summary>
    private static double? FastestRead(IEnumerable<BenchmarkReport> reports, string prefix = "memory read") => reports
        .Where(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'').StartsWith(prefix))
        .Select(r => r.ResultStatistics?.Median).Where(m => m is > 0).Min();

    private static bool IsLibrary(BenchmarkReport report)
    {
        string name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
        return name.StartsWith("OpenCV") || name.StartsWith("TensorPrimitives.Dot");
    }

    private static string Format(double? nanoseconds) => nanoseconds switch
    {
        null => "failed",
        < 1e3 => $"{nanoseconds.Value.ToString("0.0", CultureInfo.InvariantCulture)} ns",
        < 1e6 => $"{(nanoseconds.Value / 1e3).ToString("0.00", CultureInfo.InvariantCulture)} µs",
        _ => $"{(nanoseconds.Value / 1e6).ToString("0.00", CultureInfo.InvariantCulture)} ms",
    };

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
