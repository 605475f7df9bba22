namespace FaceNative.Geometry;

/// <summary>A point in image pixel coordinates (x right, y down; pixel centres at integers).</summary>
public readonly record struct PointF(float X, float Y);

/// <summary>An axis-aligned box as corners, in image pixels. Not clipped to the image: a face
/// half outside the frame keeps its true extent.</summary>
public readonly record struct FaceBox(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;

    public float Height => Y2 - Y1;

    public float Area => MathF.Max(0, Width) * MathF.Max(0, Height);

    public float CenterX => (X1 + X2) * 0.5f;

    public float CenterY => (Y1 + Y2) * 0.5f;
}
