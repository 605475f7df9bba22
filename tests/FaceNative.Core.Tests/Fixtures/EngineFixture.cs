namespace FaceNative.Tests.Fixtures;

/// <summary>The default pack loaded once per test class (models are the slow part).</summary>
public sealed class DefaultEngineFixture : IDisposable
{
    public DefaultEngineFixture()
    {
        // Touch the files first so that a missing model fails with the test-data message.
        foreach (string file in new[] { "scrfd_2.5g_kps.onnx", "w600k_mbf_uint8_dynamic.onnx", "MiniFASNetV2.onnx",
                     "MiniFASNetV1SE.onnx", "faceplugin_fr_age.onnx", "faceplugin_fr_gender.onnx" })
            TestData.Model(file);
        Engine = FaceEngine.Load(new EngineOptions { ModelsDirectory = TestData.ModelsDir });
    }

    public FaceEngine Engine { get; }

    public FaceNative.Imaging.BgrImage Load(string relative) => Engine.Decode(TestData.FaceBytes(relative));

    public void Dispose() => Engine.Dispose();
}
