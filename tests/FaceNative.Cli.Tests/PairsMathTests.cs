using Xunit;

namespace FaceNative.Cli.Tests;

public class PairsMathTests
{
    [Fact]
    public void BestThreshold_SeparableSets_MidpointOfGap()
    {
        var labelled = new List<(float, bool)> { (0.2f, true), (0.3f, true), (0.7f, false), (0.9f, false) };

        var (threshold, accuracy) = PairsRunner.BestThreshold(labelled);

        Assert.Equal(0.5f, threshold, 5);
        Assert.Equal(1.0, accuracy);
    }

    [Fact]
    public void BestThreshold_Overlap_BestAccuracyCounted()
    {
        // One different pair (0.25) sits among the same ones: best is 3 of 4 right.
        var labelled = new List<(float, bool)> { (0.2f, true), (0.25f, false), (0.3f, true), (0.9f, false) };

        var (threshold, accuracy) = PairsRunner.BestThreshold(labelled);

        Assert.Equal(0.75, accuracy);
        Assert.InRange(threshold, 0.3f, 0.9f);
    }

    [Fact]
    public void SplitCsvLine_QuotedCommasAndQuotes()
    {
        Assert.Equal(["a", "b,c", "say \"hi\"", ""], PairsRunner.SplitCsvLine("a,\"b,c\",\"say \"\"hi\"\"\","));
    }
}
