using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FaceNative.Grpc;

/// <summary>When LocalAI sets <c>LOCALAI_GRPC_AUTH_TOKEN</c>, every call (Health included) must
/// carry <c>authorization: Bearer &lt;token&gt;</c>.</summary>
public sealed class AuthInterceptor : Interceptor
{
    private readonly byte[] _expected;

    public AuthInterceptor(ServerSettings settings)
    {
        _expected = settings.AuthToken is null ? [] : Encoding.UTF8.GetBytes("Bearer " + settings.AuthToken);
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (_expected.Length > 0)
        {
            string? header = context.RequestHeaders.GetValue("authorization");
            byte[] given = header is null ? [] : Encoding.UTF8.GetBytes(header);

            // Constant-time so the comparison doesn't leak how much of a guess was right.
            if (!CryptographicOperations.FixedTimeEquals(given, _expected))
                throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid token"));
        }
        return continuation(request, context);
    }
}
