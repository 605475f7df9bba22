using System.Globalization;
using System.Reflection;

namespace FaceNative.Packs;

/// <summary>One model file a pack names, by role (detector, recognizer, age, gender,
/// genderage, liveness_v2, liveness_v1se).</summary>
public sealed record PackModel(string Role, string File, string? Format, string? Sha256, bool Optional);

/// <summary>
/// A named set of models plus their defaults. Packs are small <c>key = value</c> text files
/// (shipped ones are embedded in the library; <see cref="Parse"/> reads custom ones).
/// </summary>
public sealed class ModelPack
{
    public static readonly string[] Roles =
        ["detector", "recognizer", "age", "gender", "genderage", "liveness_v2", "liveness_v1se"];

    private readonly Dictionary<string, string> _settings;

    private ModelPack(string name, string description, IReadOnlyList<PackModel> models,
        Dictionary<string, string> settings)
    {
        Name = name;
        Description = description;
        Models = models;
        _settings = settings;
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<PackModel> Models { get; }

    public PackModel? Model(string role) => Models.FirstOrDefault(m => m.Role == role);

    public string? Setting(string key) => _settings.GetValueOrDefault(key);

    public float? FloatSetting(string key) =>
        _settings.TryGetValue(key, out string? v)
        && float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f)
            ? f : null;

    /// <summary>Names of the packs shipped with the library.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = typeof(ModelPack).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith("packs/", StringComparison.Ordinal))
        .Select(n => Path.GetFileNameWithoutExtension(n))
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static ModelPack BuiltIn(string name)
    {
        using Stream? stream = typeof(ModelPack).Assembly.GetManifestResourceStream($"packs/{name}.pack");
        if (stream is null)
            throw new FaceException(FaceErrorKind.Model,
                $"unknown model pack '{name}' (built-in packs: {string.Join(", ", BuiltInNames)})");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name);
    }

    /// <summary>A built-in pack by name, or a pack file when <paramref name="nameOrPath"/> is a path.</summary>
    public static ModelPack Resolve(string nameOrPath)
    {
        if (nameOrPath.EndsWith(".pack", StringComparison.Ordinal) || nameOrPath.Contains('/'))
        {
            if (!File.Exists(nameOrPath))
                throw new FaceException(FaceErrorKind.Model, $"pack file not found: {nameOrPath}");
            return Parse(File.ReadAllText(nameOrPath), Path.GetFileNameWithoutExtension(nameOrPath));
        }
        return BuiltIn(nameOrPath);
    }

    public static ModelPack Parse(string text, string fallbackName)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int eq = line.IndexOf('=');
            if (eq <= 0)
                throw new FaceException(FaceErrorKind.Model,
                    $"pack '{fallbackName}' line {lineNumber}: expected 'key = value', got '{line}'");
            settings[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        var models = new List<PackModel>();
        foreach (string role in Roles)
        {
            if (!settings.TryGetValue(role, out string? file)) continue;
            models.Add(new PackModel(role, file, settings.GetValueOrDefault(role + ".format"),
                settings.GetValueOrDefault(role + ".sha256"),
                settings.GetValueOrDefault(role + ".optional") == "true"));
        }
        var pack = new ModelPack(settings.GetValueOrDefault("name", fallbackName),
            settings.GetValueOrDefault("description", ""), models, settings);
        if (pack.Model("detector") is null || pack.Model("recognizer") is null)
            throw new FaceException(FaceErrorKind.Model, $"pack '{pack.Name}' must name a detector and a recognizer");
        return pack;
    }
}
