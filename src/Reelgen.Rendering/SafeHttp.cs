using System.Net;
using System.Net.Sockets;

namespace Reelgen.Rendering;

/// <summary>Raised when a request would reach an address that <see cref="AddressPolicy"/> refuses.</summary>
public sealed class UnsafeAddressException(string message) : IOException(message);

/// <summary>
/// HTTP that cannot be pointed at the server's own network (SSRF). The handler resolves each host itself, refuses
/// non-public addresses, and connects to the very address it checked, so a DNS answer cannot change between the
/// check and the connection. It never follows redirects and never uses a proxy: a caller that follows a redirect
/// sends a new request, which is checked again.
/// </summary>
public static class SafeHttp
{
    /// <summary>A handler for an <see cref="HttpClient"/> that only reaches public addresses (or any, when <paramref name="allowPrivate"/>).</summary>
    /// <param name="allowPrivate">Let requests reach any address.</param>
    /// <param name="connectTimeout">Default 10 s.</param>
    /// <param name="resolve">Name resolution; default DNS (tests substitute their own).</param>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate, TimeSpan? connectTimeout = null, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivate, ct, resolve),
    };

    /// <summary>Resolves <paramref name="endPoint"/>, keeps the addresses the policy allows and connects to the first that answers.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, CancellationToken cancellationToken, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await (resolve ?? Dns.GetHostAddressesAsync)(endPoint.Host, cancellationToken);
        var allowed = allowPrivate ? addresses : addresses.Where(AddressPolicy.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            var what = literal is not null ? $"{literal} is" : $"{endPoint.Host} resolves only to {string.Join(", ", addresses.Select(a => a.ToString()))}, each";
            throw new UnsafeAddressException(addresses.Length == 0
                ? $"{endPoint.Host} does not resolve"
                : $"{what} a private, loopback or otherwise non-public address, which is refused (Reelgen__Network__AllowPrivateAddresses allows them)");
        }
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new HttpRequestException($"could not connect to {endPoint.Host}:{endPoint.Port}", last);
    }
}
