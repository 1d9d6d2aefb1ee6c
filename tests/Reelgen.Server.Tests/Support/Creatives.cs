namespace Reelgen.Server.Tests.Support;

/// <summary>Tiny creatives that render in a moment.</summary>
public static class Creatives
{
    public static object ColourSlide(int durationMs = 1000, string color = "#2040C0", int width = 320, int height = 240, string name = "Test video") => new
    {
        videoCreative = new
        {
            settings = new { name, videoSize = new { width, height }, backgroundColor = color },
            scenes = new object[]
            {
                new { duration = durationMs, tracks = Array.Empty<object>() },
            },
        },
    };
}
