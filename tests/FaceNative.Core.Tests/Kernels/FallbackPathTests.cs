using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Core.Tests.Kernels;

/// <summary>
/// Re-runs every kernel test in a child test process with the wide paths switched off, so that
/// the narrower paths are checked against the references on this machine too:
/// <c>DOTNET_EnableAVX512=0</c> (the .NET 10 name; <c>EnableAVX512F</c> no longer switches it
/// off) leaves AVX2, <c>DOTNET_EnableAVX2=0</c> leaves 128-bit vectors only,
/// <c>DOTNET_EnableHWIntrinsic=0</c> leaves plain scalar code.
/// </summary>
public class FallbackPathTests
{
    internal const string ChildVariable = "FACENATIVE_KERNEL_TEST_CHILD";

    [Theory]
    [InlineData("DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableAVX2")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public void KernelTests_Pass_WithWidePathsOff(string switchOff)
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) is not null)
            return; // already the child: do not recurse

        int passed = ChildTestRun.Run("FullyQualifiedName~Tests.Kernels.",
            new Dictionary<string, string> { [switchOff] = "0", [ChildVariable] = switchOff });

        Assert.True(passed >= 20, $"only {passed} kernel tests ran with {switchOff}=0");
    }
}

/// <summary>Proves inside the child that the switch took effect (the parent checks nothing).</summary>
public class IsaProbeTests
{
    [Fact]
    public void ChildProcess_SeesRequestedInstructionSet()
    {
        switch (Environment.GetEnvironmentVariable(FallbackPathTests.ChildVariable))
        {
            case "DOTNET_EnableAVX512":
                Assert.False(Avx512F.IsSupported);
                Assert.False(Vector512.IsHardwareAccelerated);
                Assert.True(Avx2.IsSupported);
                break;
            case "DOTNET_EnableAVX2":
                Assert.False(Avx2.IsSupported);
                Assert.False(Vector256.IsHardwareAccelerated);
                Assert.True(Vector128.IsHardwareAccelerated);
                break;
            case "DOTNET_EnableHWIntrinsic":
                Assert.False(Vector128.IsHardwareAccelerated);
                Assert.False(Sse2.IsSupported);
                break;
        }
    }
}
