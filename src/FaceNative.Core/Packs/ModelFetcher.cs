using System.Security.Cryptography;

namespace FaceNative.Packs;

/// <summary>
/// Copies or downloads a pack's files from a folder or an http(s) base URL into a models
/// folder. Each file lands under a temporary name and is renamed only once its SHA-256
/// matches, so an interrupted or corrupt fetch never leaves a file that looks valid.
/// </summary>
public sealed class ModelFetcher
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly string _source;
    private readonly string _destination;

    public ModelFetcher(string source, string destination)
    {
        _source = source;
        _destination = destination;
    }

    private bool IsUrl => _source.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || _source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fetches one file; <paramref name="progress"/> gets (bytes done, total if known).</summary>
    public void Fetch(PackModel model, Action<long, long?> progress)
    {
        string target = Path.Combine(_destination, model.File);
        string partial = target + ".part";
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        try
        {
            using (FileStream output = File.Create(partial))
            using (Stream input = OpenSource(model.File, out long? length))
            {
                var buffer = new byte[1 << 16];
                long done = 0;
                int read;
                while ((read = input.Read(buffer)) > 0)
                {
                    output.Write(buffer, 0, read);
                    done += read;
                    progress(done, length);
                }
            }

            if (model.Sha256 is not null)
            {
                string actual = ModelLocator.Sha256Of(partial);
                if (!string.Equals(actual, model.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new FaceException(FaceErrorKind.Model,
                        $"{model.File}: checksum mismatch (expected {model.Sha256}, got {actual})");
            }
            File.Move(partial, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException
                                       or TaskCanceledException)
        {
            throw new FaceException(FaceErrorKind.Model, $"cannot fetch {model.File} from {_source}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    private Stream OpenSource(string file, out long? length)
    {
        if (IsUrl)
        {
            var response = s_http.GetAsync(_source.TrimEnd('/') + "/" + file, HttpCompletionOption.ResponseHeadersRead)
                .GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw new FaceException(FaceErrorKind.Model,
                    $"cannot fetch {file}: {_source} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            length = response.Content.Headers.ContentLength;
            return response.Content.ReadAsStream();
        }

        string path = Path.Combine(_source, file);
        if (!File.Exists(path))
        {
            // Packs in InsightFace's layout also fetch from a flat folder.
            string flat = Path.Combine(_source, Path.GetFileName(file));
            if (!File.Exists(flat))
                throw new FaceException(FaceErrorKind.Model, $"cannot fetch {file}: not found in {_source}");
            path = flat;
        }
        length = new FileInfo(path).Length;
        return File.OpenRead(path);
    }
}
