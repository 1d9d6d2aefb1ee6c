using System.Net;
using System.Net.Sockets;
using Reelgen.Rendering;

namespace Reelgen.Server.Callbacks;

/// <summary>A connection to a user-supplied URL was refused because every address of its host is private.</summary>
public sealed class AddressRefusedException(string message) : IOException(message);

/// <summary>
/// The HTTP handler callbacks go out through. The host is resolved here, every private, loopback, link-local,
/// CGNAT, unique-local, IPv4-mapped-private, multicast or unspecified address is dropped (unless private
/// addresses are allowed), and the socket connects to an address that passed: the name is never resolved twice,
/// so a DNS answer that changes between the check and the connection (rebinding) cannot slip through. No proxy
/// (it would do its own resolving) and no redirects (a public URL could redirect to a private one).
/// </summary>
public static class CallbackHttp
{
    public static SocketsHttpHandler CreateHandler(bool allowPrivateAddresses, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivateAddresses, resolve ?? Dns.GetHostAddressesAsync, ct),
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken ct)
    {
        var host = endPoint.Host.TrimStart('[').TrimEnd(']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolve(host, ct);
        var allowed = allowPrivate ? addresses : addresses.Where(AddressPolicy.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new AddressRefusedException(addresses.Length == 0
                ? $"{host} has no address."
                : $"{host} resolves only to private or reserved addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}); callbacks go to public addresses only (Reelgen__Network__AllowPrivateAddresses allows them).");
        }
        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), ct);
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
        throw last!;
    }
}
