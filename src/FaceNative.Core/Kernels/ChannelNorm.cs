namespace FaceNative.Kernels;

/// <summary>Channel order of a model's input tensor.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}

/// <summary>
/// Per-channel normalisation applied while writing a tensor: out = (pixel − mean) · scale, with
/// mean and scale given in the tensor's channel order.
/// </summary>
public readonly record struct ChannelNorm(ChannelOrder Order, float Mean0, float Mean1, float Mean2,
    float Scale0, float Scale1, float Scale2)
{
    public static ChannelNorm Uniform(ChannelOrder order, float mean, float scale) =>
        new(order, mean, mean, mean, scale, scale, scale);

    /// <summary>Index into a B, G, R pixel of the byte feeding tensor channel <paramref name="c"/>.</summary>
    public int SourceIndex(int c) => Order == ChannelOrder.Bgr ? c : 2 - c;

    public float Mean(int c) => c == 0 ? Mean0 : c == 1 ? Mean1 : Mean2;

    public float Scale(int c) => c == 0 ? Scale0 : c == 1 ? Scale1 : Scale2;
}
