using System.Globalization;
using System.Net;

namespace FaceNative.Grpc;

/// <summary>
/// How the server was started: the address LocalAI hands to <c>run.sh --addr</c>, the auth
/// token it puts in the environment, and the request-concurrency limit.
/// </summary>
public sealed record ServerSettings(IPAddress Address, int Port, string? AuthToken, int MaxConcurrency)
{
    public const string AuthTokenVariable = "LOCALAI_GRPC_AUTH_TOKEN";
    public const string ConcurrencyVariable = "FACENATIVE_GRPC_CONCURRENCY";

    /// <summary>gRPC messages LocalAI may send or expect, both ways.</summary>
    public const int MaxMessageBytes = 50 * 1024 * 1024;

    public const string Usage =
        "usage: facenative-grpc --addr HOST:PORT [--max-concurrency N]\n" +
        "  --addr HOST:PORT       where to listen (h2c); port 0 picks a free one and prints it\n" +
        "  --max-concurrency N    face requests run at once; more wait in a queue (default: CPU count)\n" +
        $"environment: {AuthTokenVariable} (require 'authorization: Bearer <token>'),\n" +
        $"             {ConcurrencyVariable} (same as --max-concurrency)";

    /// <summary>Reads arguments in LocalAI's form (<c>--addr HOST:PORT</c>, also <c>--addr=…</c>)
    /// and the environment. Throws <see cref="ArgumentException"/> with a readable message.</summary>
    public static ServerSettings Parse(string[] args, Func<string, string?> environment)
    {
        string? addr = null;
        string? concurrency = environment(ConcurrencyVariable);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string name = arg, value = "";
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else if (arg is "--addr" or "--max-concurrency")
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{arg} needs a value");
                value = args[++i];
            }

            switch (name)
            {
                case "--addr": addr = value; break;
                case "--max-concurrency": concurrency = value; break;
                default: throw new ArgumentException($"unknown argument '{arg}'");
            }
        }

        if (string.IsNullOrWhiteSpace(addr)) throw new ArgumentException("--addr HOST:PORT is required");
        (IPAddress address, int port) = ParseAddress(addr);

        int limit = Environment.ProcessorCount;
        if (!string.IsNullOrWhiteSpace(concurrency)
            && (!int.TryParse(concurrency, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
            throw new ArgumentException($"concurrency limit '{concurrency}' is not a whole number >= 1");

        string? token = environment(AuthTokenVariable);
        return new ServerSettings(address, port, string.IsNullOrEmpty(token) ? null : token, limit);
    }

    /// <summary>HOST:PORT, [IPv6]:PORT or :PORT (all interfaces). "localhost" means the IPv4
    /// loopback, as LocalAI always dials 127.0.0.1.</summary>
    public static (IPAddress Address, int Port) ParseAddress(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0) throw new ArgumentException($"address '{text}' is not HOST:PORT");
        string host = text[..colon].Trim('[', ']');
        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new ArgumentException($"port '{portText}' in '{text}' is not 0..65535");

        IPAddress address;
        if (host.Length == 0) address = IPAddress.Any;
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out address!))
        {
            IPAddress[] found = Dns.GetHostAddresses(host);
            if (found.Length == 0) throw new ArgumentException($"host '{host}' has no address");
            address = found[0];
        }
        return (address, port);
    }
}
