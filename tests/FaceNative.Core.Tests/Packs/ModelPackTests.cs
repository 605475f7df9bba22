using FaceNative.Packs;
using FaceNative.Tests.Fixtures;
using Xunit;

namespace FaceNative.Tests.Packs;

public class ModelPackTests
{
    [Fact]
    public void BuiltIn_AllPacksParse_WithDetectorAndRecognizer()
    {
        Assert.Contains("default", ModelPack.BuiltInNames);
        Assert.Contains("buffalo_l", ModelPack.BuiltInNames);
        Assert.Contains("antelopev2", ModelPack.BuiltInNames);
        foreach (string name in ModelPack.BuiltInNames)
        {
            ModelPack pack = ModelPack.BuiltIn(name);
            Assert.Equal(name, pack.Name);
            Assert.NotNull(pack.Model("detector"));
            Assert.NotNull(pack.Model("recognizer"));
        }
    }

    [Fact]
    public void DefaultPack_ChecksumsMatchSharedModels()
    {
        ModelPack pack = ModelPack.BuiltIn("default");

        foreach (PackModel model in pack.Models)
            Assert.Equal(model.Sha256, ModelLocator.Sha256Of(TestData.Model(model.File)));
    }

    [Fact]
    public void Unknown_Pack_NamesTheBuiltIns()
    {
        var e = Assert.Throws<FaceException>(() => ModelPack.BuiltIn("nope"));
        Assert.Equal(FaceErrorKind.Model, e.Kind);
        Assert.Contains("default", e.Message);
    }

    [Fact]
    public void Parse_MissingRecognizer_IsModelError()
    {
        var e = Assert.Throws<FaceException>(() => ModelPack.Parse("name = x\ndetector = a.onnx\n", "x"));
        Assert.Contains("recognizer", e.Message);
    }

    [Fact]
    public void Locator_MissingFile_NamesFileAndEveryPlace()
    {
        string dir = Path.Combine(Path.GetTempPath(), "facenative-empty-" + Guid.NewGuid().ToString("N"));
        var locator = new ModelLocator(dir);

        var e = Assert.Throws<FaceException>(() => locator.Find("nothing_here.onnx", "detector"));

        Assert.Equal(FaceErrorKind.Model, e.Kind);
        Assert.Contains(Path.Combine(dir, "nothing_here.onnx"), e.Message);
        Assert.Contains(ModelLocator.UserCacheDirectory, e.Message);
    }

    [Fact]
    public void Locator_InstallFolder_SearchedAfterExplicitAndBeforeUserCache()
    {
        string? saved = ModelLocator.InstallDirectory;
        try
        {
            ModelLocator.InstallDirectory = ModelLocator.ModelsBeside("/opt/facenative/lib");
            var roots = new ModelLocator("/somewhere/models").SearchRoots;

            Assert.Equal("/opt/facenative/models", ModelLocator.InstallDirectory);
            Assert.Equal("/somewhere/models", roots[0]);
            int install = roots.ToList().IndexOf("/opt/facenative/models");
            Assert.True(install > 0 && install < roots.Count - 1, string.Join(", ", roots));
            Assert.Equal(ModelLocator.UserCacheDirectory, roots[^1]);
            Assert.Null(ModelLocator.ModelsBeside(""));
        }
        finally
        {
            ModelLocator.InstallDirectory = saved;
        }
    }
}
