using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace FaceNative.Tests.Fixtures;

/// <summary>
/// Runs some of this test assembly's tests again in a child `dotnet test` process with extra
/// environment variables, for what a process can only choose at start (which instruction sets
/// the JIT may use). Fails the calling test unless the child ran and passed.
/// </summary>
public static class ChildTestRun
{
    /// <summary>Runs the tests matching <paramref name="filter"/>; returns how many passed.</summary>
    public static int Run(string filter, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "test", typeof(ChildTestRun).Assembly.Location, "--nologo", "--filter", filter })
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        string described = string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}"));

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)), $"child test run ({described}) timed out");
        output += stderr.Result;

        Match summary = Regex.Match(output, @"Failed: +(\d+), Passed: +(\d+)");
        Assert.True(child.ExitCode == 0 && summary.Success && summary.Groups[1].Value == "0",
            $"child test run ({described}) failed:\n{output}");
        return int.Parse(summary.Groups[2].Value);
    }
}
