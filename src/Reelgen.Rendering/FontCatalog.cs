using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>The font families installed on this machine, as <c>GET /assets/fonts</c> lists them and <c>style.fontFamily</c> accepts them.</summary>
public static class FontCatalog
{
    private static readonly Lazy<IReadOnlyList<string>> InstalledFamilies = new(() =>
        SKFontManager.Default.FontFamilies.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList());

    /// <summary>Every installed family, sorted.</summary>
    public static IReadOnlyList<string> Families => InstalledFamilies.Value;

    /// <summary>
    /// True for an installed family (any case) and for a name fontconfig maps to one as a strong alias (Arial to
    /// Liberation Sans, for example), which is what a creative written for another service may name.
    /// </summary>
    public static bool Exists(string family)
    {
        if (Families.Contains(family, StringComparer.OrdinalIgnoreCase))
            return true;
        using var typeface = SKFontManager.Default.MatchFamily(family);
        return typeface is not null;
    }
}
