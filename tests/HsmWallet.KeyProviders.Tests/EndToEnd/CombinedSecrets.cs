using System.Text;
using HsmWallet.Core.Secrets;

namespace HsmWallet.KeyProviders.Tests.EndToEnd;

/// <summary>Answers PIN requests with one secret and password requests (new or existing) with another.</summary>
public sealed class CombinedSecrets(byte[] pin, string password) : ISecretSource
{
    public bool IsInteractive => false;

    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind switch
        {
            SecretKind.Pin => SecureBuffer.CopyOf(pin),
            SecretKind.Password => SecureBuffer.CopyOf(Encoding.UTF8.GetBytes(password)),
            _ => null,
        };
    }
}
