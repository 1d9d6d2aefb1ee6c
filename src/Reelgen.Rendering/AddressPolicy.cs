using System.Net;
using System.Net.Sockets;

namespace Reelgen.Rendering;

/// <summary>
/// Which addresses an outgoing request (asset download, callback) may reach. Only globally routable unicast
/// addresses are public; everything a server could use to reach itself, its neighbours or a cloud metadata
/// service is not.
/// </summary>
public static class AddressPolicy
{
    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return IsPublicV4(address.MapToIPv4());
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return !(b[0] == 0                                  // 0.0.0.0/8 "this network", unspecified
            || b[0] == 10                                   // 10/8 private
            || (b[0] == 100 && (b[1] & 0xC0) == 64)         // 100.64/10 carrier-grade NAT
            || b[0] == 127                                  // loopback
            || (b[0] == 169 && b[1] == 254)                 // link-local, cloud metadata (169.254.169.254)
            || (b[0] == 172 && (b[1] & 0xF0) == 16)         // 172.16/12 private
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)      // 192.0.0/24 IETF protocol assignments
            || (b[0] == 192 && b[1] == 0 && b[2] == 2)      // TEST-NET-1
            || (b[0] == 192 && b[1] == 88 && b[2] == 99)    // 6to4 relay anycast
            || (b[0] == 192 && b[1] == 168)                 // 192.168/16 private
            || (b[0] == 198 && (b[1] & 0xFE) == 18)         // 198.18/15 benchmarking
            || (b[0] == 198 && b[1] == 51 && b[2] == 100)   // TEST-NET-2
            || (b[0] == 203 && b[1] == 0 && b[2] == 113)    // TEST-NET-3
            || b[0] >= 224);                                // multicast, reserved, broadcast
    }

    private static bool IsPublicV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback))
            return false;
        if (b[0] == 0xFF)                                   // multicast
            return false;
        if ((b[0] & 0xFE) == 0xFC)                          // fc00::/7 unique local
            return false;
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)          // fe80::/10 link-local
            return false;
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)          // fec0::/10 deprecated site-local
            return false;
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
            return false;
        // Addresses that carry an IPv4 address inside are judged by that address.
        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0 && b[11] == 0)      // ::a.b.c.d (deprecated compatible)
            return IsPublicV4(new IPAddress(b[12..]));
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)           // 64:ff9b::/96 NAT64
            return IsPublicV4(new IPAddress(b[12..]));
        if (b[0] == 0x20 && b[1] == 0x02)                                            // 2002::/16 6to4
            return IsPublicV4(new IPAddress(b[2..6]));
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)           // 2001::/32 Teredo
            return false;
        return (b[0] & 0xE0) == 0x20;                                                // 2000::/3 global unicast only
    }
}
