namespace Reelgen.Creative;

/// <summary>Limits and defaults of a creative, in one place.</summary>
public static class CreativeRules
{
    public const int DefaultWidth = 1280;
    public const int DefaultHeight = 720;
    public const int DefaultFps = 25;
    public const int MaxFps = 60;
    public const int MaxLongSide = 3840;
    public const int MaxShortSide = 2160;
    public const double MaxSceneMs = 60 * 60 * 1000;
    public const double MaxVolume = 4;
    public const string DefaultBackground = "#000000";

    /// <summary>How an image or clip fills its box; the first is the default.</summary>
    public static readonly IReadOnlyList<string> Fits = ["contain", "cover", "contain-blur", "stretch"];

    /// <summary>Ken Burns moves over an image.</summary>
    public static readonly IReadOnlyList<string> Effects = ["zoomIn", "zoomOut", "panLeft", "panRight"];

    /// <summary>
    /// Scene transitions, each an ffmpeg <c>xfade</c> transition under its own name except three: <c>fade</c> dips
    /// to black and back, <c>crossfade</c> dissolves one picture into the other (xfade's fade), and <c>zoom</c> zooms
    /// into the next scene (zoomin).
    /// </summary>
    public static readonly IReadOnlyList<string> Transitions =
    [
        "fade", "crossfade", "fadewhite", "fadegrays", "dissolve", "pixelize", "zoom",
        "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown",
        "smoothleft", "smoothright", "smoothup", "smoothdown", "circleopen", "circleclose", "circlecrop", "rectcrop",
        "radial", "vertopen", "vertclose", "horzopen", "horzclose", "diagtl", "diagtr", "diagbl", "diagbr",
        "squeezeh", "squeezev", "hblur",
    ];

    public const double DefaultTransitionMs = 500;
    public const double MinTransitionMs = 40;
    public const double MaxTransitionMs = 5000;

    /// <summary>How a track may enter the picture; typewriter only for text.</summary>
    public static readonly IReadOnlyList<string> AnimationsIn = ["fade", "slide-left", "slide-up", "pop", "typewriter"];

    /// <summary>How a track may leave the picture.</summary>
    public static readonly IReadOnlyList<string> AnimationsOut = ["fade", "slide-left", "slide-up", "pop"];

    public const double DefaultAnimationMs = 400;
    public const double MinAnimationMs = 40;
    public const double MaxAnimationMs = 5000;

    /// <summary>True for <c>#RRGGBB</c> and <c>#RRGGBBAA</c>.</summary>
    public static bool IsColor(string? value) =>
        value is not null && value.Length is 7 or 9 && value[0] == '#' && value.Skip(1).All(char.IsAsciiHexDigit);

    /// <summary>Tracks that have a length of their own: speech, a clip, a sound that does not loop.</summary>
    public static bool HasIntrinsicDuration(Track track) => track.Type switch
    {
        TrackTypes.Actor or TrackTypes.Video => true,
        TrackTypes.Audio => track.Loop != true,
        _ => false,
    };

    /// <summary>Tracks that draw pixels.</summary>
    public static bool IsVisual(Track track) => track.Type is not TrackTypes.Audio;
}
