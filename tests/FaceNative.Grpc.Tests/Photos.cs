namespace FaceNative.Grpc.Tests;

/// <summary>The shared photos these tests use, chosen by their labels (MANIFEST.md), not by
/// any measured score.</summary>
public static class Photos
{
    public const string PersonA1 = "id01/deepface_img2.jpg";
    public const string PersonA2 = "id01/deepface_img4.jpg";
    public const string PersonA3 = "id01/deepface_img5.jpg";
    public const string PersonB1 = "id10/agt_obama.jpg";
    public const string PersonC1 = "id02/deepface_img12.jpg";
    public const string PersonD1 = "id09/deepface_img25.jpg";

    /// <summary>Two people (Obama and Biden), one face each.</summary>
    public const string TwoPeople = "groups/agt_two_people.jpg";

    public const string Live = "antispoof/sf_image_T1.jpg";
    public const string Spoof = "antispoof/sf_image_F1.jpg";
}
