using System.Text.Json;

namespace Reelgen.Creative;

/// <summary>
/// Checks a job request before it is accepted. Every problem is reported under the JSON path of the field
/// (<c>videoCreative.scenes[1].tracks[0].imageUrl</c>), so a client can point at it.
/// </summary>
public sealed class CreativeValidator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Known actor names; null accepts any.</summary>
    public Func<string, bool>? ActorExists { get; init; }

    /// <summary>Known voice ids; null accepts any.</summary>
    public Func<string, bool>? VoiceExists { get; init; }

    /// <summary>Installed font families (case-insensitive); null accepts any.</summary>
    public Func<string, bool>? FontExists { get; init; }

    /// <summary>How much one job may ask for.</summary>
    public JobLimits Limits { get; init; } = new();

    /// <summary>False for templates, whose variables get their values only when the template is run.</summary>
    public bool RequireVariableValues { get; init; } = true;

    /// <summary>Validates a whole job request; an empty result means valid.</summary>
    public Dictionary<string, string[]> Validate(VideoGenerationJobRequest request)
    {
        _errors.Clear();
        if (request.VideoCreative is null)
            Add("videoCreative", "is required.");
        else
            ValidateCreative(request.VideoCreative, "videoCreative", DynamicVariables.Merge(request));
        ValidateVariables(request.DynamicVariables, "dynamicVariables");
        ValidateVariables(request.VideoCreative?.DynamicVariables, "videoCreative.dynamicVariables");
        return Result();
    }

    /// <summary>Validates a creative alone (local rendering), with its own variables.</summary>
    public Dictionary<string, string[]> Validate(VideoCreative creative, IReadOnlyDictionary<string, JsonElement> variables)
    {
        _errors.Clear();
        ValidateCreative(creative, "videoCreative", variables);
        return Result();
    }

    private Dictionary<string, string[]> Result() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    private void Add(string path, string message)
    {
        if (!_errors.TryGetValue(path, out var list))
            _errors[path] = list = [];
        list.Add(message);
    }

    private void ValidateVariables(Dictionary<string, JsonElement>? variables, string path)
    {
        long total = 0;
        foreach (var (key, value) in variables ?? [])
        {
            if (!DynamicVariables.IsScalar(value))
            {
                Add($"{path}.{key}", "must be a string, number or boolean.");
                continue;
            }
            var length = DynamicVariables.AsText(value).Length;
            total += key.Length + length;
            if (length > Limits.MaxVariableCharacters)
                Add($"{path}.{key}", $"is {length} characters; a variable's value is at most {Limits.MaxVariableCharacters}.");
        }
        if (total > Limits.MaxVariablesCharacters)
            Add(path, $"holds {total} characters of names and values; at most {Limits.MaxVariablesCharacters} are allowed.");
    }

    private void ValidateCreative(VideoCreative creative, string path, IReadOnlyDictionary<string, JsonElement> variables)
    {
        var settings = creative.Settings;
        if (settings?.VideoSize is { } size)
        {
            var p = $"{path}.settings.videoSize";
            if (size.Width < 2 || size.Height < 2)
                Add(p, "width and height must be at least 2 pixels.");
            else if (size.Width % 2 != 0 || size.Height % 2 != 0)
                Add(p, $"width and height must be even (H.264 with yuv420p needs even sizes); got {size.Width}x{size.Height}.");
            else if (Math.Max(size.Width, size.Height) > CreativeRules.MaxLongSide || Math.Min(size.Width, size.Height) > CreativeRules.MaxShortSide)
                Add(p, $"is at most 3840x2160 (or 2160x3840); got {size.Width}x{size.Height}.");
        }
        if (settings?.Fps is { } fps && (fps < 1 || fps > CreativeRules.MaxFps))
            Add($"{path}.settings.fps", $"must be between 1 and {CreativeRules.MaxFps}.");
        if (settings?.BackgroundColor is { } bg && !CreativeRules.IsColor(bg))
            Add($"{path}.settings.backgroundColor", "must be a colour written #RRGGBB.");
        if (settings?.Name is { Length: > 500 })
            Add($"{path}.settings.name", "is at most 500 characters.");
        if (settings?.Subtitles is { } subtitles)
            CheckSubtitles(subtitles, $"{path}.settings.subtitles");

        if (creative.Scenes is not { Count: > 0 } scenes)
        {
            Add($"{path}.scenes", "needs at least one scene.");
            return;
        }
        if (scenes.Count > Limits.MaxScenes)
        {
            // Reported alone: checking thousands of scenes would only repeat the point at length.
            Add($"{path}.scenes", $"has {scenes.Count} scenes; at most {Limits.MaxScenes} are allowed.");
            return;
        }
        var tracks = scenes.Sum(s => s?.Tracks?.Count ?? 0);
        if (tracks > Limits.MaxTracks)
        {
            Add($"{path}.scenes", $"has {tracks} tracks in all; at most {Limits.MaxTracks} are allowed in one job.");
            return;
        }
        for (var i = 0; i < scenes.Count; i++)
        {
            if (scenes[i] is null)
                Add($"{path}.scenes[{i}]", "must be an object.");
            else
                ValidateScene(scenes[i], $"{path}.scenes[{i}]", i, variables);
        }
        CheckTransitions(scenes, path);
        // What the request alone says about the length (explicit durations, less the transitions' overlaps); media
        // can only make it longer, and the render checks the rest once it knows them.
        var overlapMs = scenes.Take(scenes.Count - 1).Sum(s => s?.Transition is { } t ? TransitionMs(t) : 0);
        var knownSeconds = Math.Max(0, scenes.Sum(s => s is null ? 0 : KnownLengthMs(s)) - overlapMs) / 1000;
        if (knownSeconds > Limits.MaxVideoSeconds)
            Add($"{path}.scenes", $"the scenes last at least {knownSeconds:0.###} s; a video is at most {Limits.MaxVideoSeconds} s long.");
    }

    /// <summary>
    /// A transition overlaps a scene with the next, so it needs a next scene, and neither scene may be shorter than
    /// the transitions into and out of it (where the request shows the length; the render checks the rest).
    /// </summary>
    private void CheckTransitions(List<Scene> scenes, string path)
    {
        for (var i = 0; i < scenes.Count; i++)
        {
            if (scenes[i]?.Transition is not { } transition)
                continue;
            var p = $"{path}.scenes[{i}].transition";
            if (transition.Type is null)
                Add($"{p}.type", $"is required: one of {string.Join(", ", CreativeRules.Transitions)}.");
            else if (!CreativeRules.Transitions.Contains(transition.Type))
                Add($"{p}.type", $"'{Truncate(transition.Type)}' is not a transition: one of {string.Join(", ", CreativeRules.Transitions)}.");
            if (transition.DurationMs is { } d && !(d >= CreativeRules.MinTransitionMs && d <= CreativeRules.MaxTransitionMs))
            {
                Add($"{p}.durationMs", $"must be between {CreativeRules.MinTransitionMs} and {CreativeRules.MaxTransitionMs} milliseconds.");
                continue;
            }
            if (i == scenes.Count - 1)
            {
                Add(p, "the last scene has no next scene to pass into; put the transition on the scene before the change.");
                continue;
            }
            var ms = TransitionMs(transition);
            foreach (var s in new[] { i, i + 1 })
            {
                var length = scenes[s] is { } scene ? KnownLengthMs(scene) : 0;
                if (length <= 0)
                    continue;
                var into = s > 0 && scenes[s - 1]?.Transition is { } before ? TransitionMs(before) : 0;
                var outOf = s < scenes.Count - 1 && scenes[s].Transition is { } after ? TransitionMs(after) : 0;
                if (into + outOf > length)
                {
                    Add($"{p}.durationMs", into > 0 && outOf > 0
                        ? $"scene {s + 1} lasts {length:0.###} ms, shorter than its transitions in and out ({into:0.###} + {outOf:0.###} ms); shorten them or lengthen the scene."
                        : $"{ms:0.###} ms is longer than scene {s + 1} ({length:0.###} ms); shorten the transition or lengthen the scene.");
                    break;
                }
            }
        }
    }

    private static double TransitionMs(SceneTransition t) =>
        t.DurationMs is { } d && double.IsFinite(d) ? Math.Clamp(d, CreativeRules.MinTransitionMs, CreativeRules.MaxTransitionMs) : CreativeRules.DefaultTransitionMs;

    /// <summary>A scene's length as far as the request shows it: its duration, or that of the track that sets it; 0 when only media will tell.</summary>
    private static double KnownLengthMs(Scene scene)
    {
        if (scene.Duration is { } d)
            return double.IsFinite(d) ? Math.Max(0, d) : 0;
        var tracks = scene.Tracks?.Where(t => t is not null).ToList() ?? [];
        var track = scene.IntrinsicDurationTrackReference is { } reference
            ? tracks.FirstOrDefault(t => t.ReferenceId == reference)
            : tracks.FirstOrDefault(t => t.Duration is not null || CreativeRules.HasIntrinsicDuration(t));
        if (track?.Duration is not { } own || !double.IsFinite(own))
            return 0;
        return Math.Max(0, (track.StartTimeGap ?? 0) + own + (track.EndTimeGap ?? 0));
    }

    private void ValidateScene(Scene scene, string path, int index, IReadOnlyDictionary<string, JsonElement> variables)
    {
        if (scene.Duration is { } d && (d <= 0 || d > CreativeRules.MaxSceneMs))
            Add($"{path}.duration", "must be more than 0 and at most one hour (milliseconds).");
        if (scene.BackgroundColor is { } bg && !CreativeRules.IsColor(bg))
            Add($"{path}.backgroundColor", "must be a colour written #RRGGBB.");
        if (scene.Tracks is null)
        {
            Add($"{path}.tracks", "is required (it may be empty when the scene has a duration).");
            return;
        }
        if (scene.Tracks.Count > Limits.MaxTracksPerScene)
        {
            Add($"{path}.tracks", $"has {scene.Tracks.Count} tracks; at most {Limits.MaxTracksPerScene} are allowed in one scene.");
            return;
        }
        for (var i = 0; i < scene.Tracks.Count; i++)
        {
            if (scene.Tracks[i] is null)
                Add($"{path}.tracks[{i}]", "must be an object.");
            else
                ValidateTrack(scene.Tracks[i], $"{path}.tracks[{i}]", variables);
        }
        if (scene.Tracks.Any(t => t is null))
            return;
        CheckAnimationFits(scene, scene.Tracks, path);
        // A reference must name one track: a second track with the same id would make the reference ambiguous.
        var referenceIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < scene.Tracks.Count; i++)
        {
            if (scene.Tracks[i].ReferenceId is not { } id)
                continue;
            if (referenceIds.TryGetValue(id, out var first))
                Add($"{path}.tracks[{i}].referenceId", $"'{id}' is already the referenceId of tracks[{first}] in this scene; each must be unique.");
            else
                referenceIds[id] = i;
        }

        // Section 6.6: a scene's length is explicit, borrowed from a referenced track, or taken from the one
        // track that has a length of its own; anything else is ambiguous and refused at submit.
        if (scene.Duration is not null)
            return;
        if (scene.IntrinsicDurationTrackReference is { } reference)
        {
            var referenced = scene.Tracks.Where(t => t.ReferenceId == reference).ToList();
            if (referenced.Count == 0)
                Add($"{path}.intrinsicDurationTrackReference", $"no track in scene {index + 1} has referenceId '{reference}'.");
            else if (referenced.Count > 1)
                Add($"{path}.intrinsicDurationTrackReference", $"{referenced.Count} tracks in scene {index + 1} have referenceId '{reference}'; it must name one.");
            else if (referenced[0].Duration is null && !CreativeRules.HasIntrinsicDuration(referenced[0]))
                Add($"{path}.intrinsicDurationTrackReference", $"track '{reference}' is a {referenced[0].Type} track with no duration of its own; give it a duration or give the scene one.");
            return;
        }
        var timed = scene.Tracks.Count(t => t.Duration is not null || CreativeRules.HasIntrinsicDuration(t));
        if (timed == 0)
            Add(path, $"scene {index + 1} has no length: set its duration, or add one actor, video or audio track (or a track with a duration).");
        else if (timed > 1)
            Add(path, $"scene {index + 1} has {timed} tracks with a length of their own, so its length is ambiguous: set the scene's duration or intrinsicDurationTrackReference.");
    }

    private void ValidateTrack(Track track, string path, IReadOnlyDictionary<string, JsonElement> variables)
    {
        if (track.Type is null)
        {
            Add($"{path}.type", $"is required: one of {string.Join(", ", TrackTypes.All)}.");
            return;
        }
        if (!TrackTypes.All.Contains(track.Type))
        {
            Add($"{path}.type", $"'{track.Type}' is not a track type: one of {string.Join(", ", TrackTypes.All)}.");
            return;
        }
        if (track.Size is { } size && (size.Width <= 0 || size.Height <= 0 || size.Width > 16384 || size.Height > 16384))
            Add($"{path}.size", "width and height must be more than 0 and at most 16384.");
        if (track.Position is { } pos && (Math.Abs(pos.X) > 16384 || Math.Abs(pos.Y) > 16384))
            Add($"{path}.position", "x and y must be between -16384 and 16384.");
        CheckMs(track.StartTimeGap, $"{path}.startTimeGap", allowZero: true);
        CheckMs(track.EndTimeGap, $"{path}.endTimeGap", allowZero: true);
        CheckMs(track.Duration, $"{path}.duration", allowZero: false);
        if (track.Volume is { } v && (v < 0 || v > CreativeRules.MaxVolume))
            Add($"{path}.volume", $"must be between 0 and {CreativeRules.MaxVolume}.");

        if (track.Type != TrackTypes.Audio && (track.FadeInMs is not null || track.FadeOutMs is not null || track.Ducking is not null))
            Add(track.FadeInMs is not null ? $"{path}.fadeInMs" : track.FadeOutMs is not null ? $"{path}.fadeOutMs" : $"{path}.ducking", "applies to audio tracks only.");

        if (track.Fit is { } fit && (track.Type is not (TrackTypes.Image or TrackTypes.Video) || !CreativeRules.Fits.Contains(fit)))
            Add($"{path}.fit", track.Type is TrackTypes.Image or TrackTypes.Video ? $"'{Truncate(fit)}' is not a fit: one of {string.Join(", ", CreativeRules.Fits)}." : "applies to image and video tracks only.");
        if (track.Effect is { } effect && (track.Type != TrackTypes.Image || !CreativeRules.Effects.Contains(effect)))
            Add($"{path}.effect", track.Type == TrackTypes.Image ? $"'{Truncate(effect)}' is not an effect: one of {string.Join(", ", CreativeRules.Effects)}." : "applies to image tracks only.");

        if (track.Animation is { } animation)
            CheckAnimation(track, animation, $"{path}.animation");

        switch (track.Type)
        {
            case TrackTypes.Image:
                CheckUrl(track.ImageUrl, $"{path}.imageUrl");
                break;
            case TrackTypes.Video:
                CheckUrl(track.VideoUrl, $"{path}.videoUrl");
                break;
            case TrackTypes.Audio:
                CheckUrl(track.AudioUrl, $"{path}.audioUrl");
                CheckMs(track.FadeInMs, $"{path}.fadeInMs", allowZero: true);
                CheckMs(track.FadeOutMs, $"{path}.fadeOutMs", allowZero: true);
                break;
            case TrackTypes.Text:
                CheckText(track.Text, $"{path}.text", variables);
                if (track.Style is { } style)
                    CheckStyle(style, $"{path}.style");
                break;
            case TrackTypes.Actor:
                if (string.IsNullOrWhiteSpace(track.Actor))
                    Add($"{path}.actor", "is required: the name of a presenter from GET /assets/actors.");
                else if (ActorExists is not null && !ActorExists(track.Actor))
                    Add($"{path}.actor", $"'{track.Actor}' is not a known actor; see GET /assets/actors.");
                if (track.SpeakerId is { } voice && VoiceExists is not null && !VoiceExists(voice))
                    Add($"{path}.speakerId", $"'{voice}' is not a known voice; see GET /assets/voices.");
                CheckText(track.Text, $"{path}.text", variables);
                if (track.Text is not null && string.IsNullOrWhiteSpace(track.Text))
                    Add($"{path}.text", "the script is empty.");
                break;
        }
    }

    private void CheckAnimation(Track track, TrackAnimation animation, string path)
    {
        if (track.Type == TrackTypes.Audio)
        {
            Add(path, "applies to text, image, video and actor tracks only.");
            return;
        }
        if (animation.In is null && animation.Out is null)
            Add(path, $"needs in, out or both: in one of {string.Join(", ", CreativeRules.AnimationsIn)}; out one of {string.Join(", ", CreativeRules.AnimationsOut)}.");
        if (animation.In is { } entrance)
        {
            if (!CreativeRules.AnimationsIn.Contains(entrance))
                Add($"{path}.in", $"'{Truncate(entrance)}' is not an entrance: one of {string.Join(", ", CreativeRules.AnimationsIn)}.");
            else if (entrance == "typewriter" && track.Type != TrackTypes.Text)
                Add($"{path}.in", $"typewriter applies to text tracks only; this is a {track.Type} track.");
        }
        if (animation.Out is { } exit && !CreativeRules.AnimationsOut.Contains(exit))
        {
            Add($"{path}.out", exit == "typewriter"
                ? $"typewriter is an entrance only: out is one of {string.Join(", ", CreativeRules.AnimationsOut)}."
                : $"'{Truncate(exit)}' is not an exit: one of {string.Join(", ", CreativeRules.AnimationsOut)}.");
        }
        if (animation.DurationMs is { } d && !(d >= CreativeRules.MinAnimationMs && d <= CreativeRules.MaxAnimationMs))
            Add($"{path}.durationMs", $"must be between {CreativeRules.MinAnimationMs} and {CreativeRules.MaxAnimationMs} milliseconds.");
    }

    /// <summary>
    /// An entrance and an exit each take at most half the track's time on screen, so they never overlap; checked
    /// where the request shows that time (the render shortens them where only speech or a clip tells it).
    /// </summary>
    private void CheckAnimationFits(Scene scene, List<Track> tracks, string path)
    {
        var sceneMs = KnownLengthMs(scene);
        for (var i = 0; i < tracks.Count; i++)
        {
            var track = tracks[i];
            if (track.Animation is not { } animation || track.Type == TrackTypes.Audio)
                continue;
            var ms = animation.DurationMs ?? CreativeRules.DefaultAnimationMs;
            if (!(ms >= CreativeRules.MinAnimationMs && ms <= CreativeRules.MaxAnimationMs))
                continue;
            var shown = double.PositiveInfinity;
            if (track.Duration is { } own && double.IsFinite(own))
                shown = own;
            if (sceneMs > 0)
                shown = Math.Min(shown, sceneMs - (track.StartTimeGap ?? 0) - (track.EndTimeGap ?? 0));
            if (double.IsFinite(shown) && shown > 0 && ms > shown / 2)
            {
                Add($"{path}.tracks[{i}].animation.durationMs",
                    $"{ms:0.###} ms is more than half the {shown:0.###} ms the track is on screen; at most {Math.Floor(shown / 2):0} ms, so the entrance and the exit never overlap.");
            }
        }
    }

    private void CheckMs(double? value, string path, bool allowZero)
    {
        if (value is not { } v)
            return;
        if (v < 0 || (!allowZero && v == 0) || v > CreativeRules.MaxSceneMs || double.IsNaN(v))
            Add(path, allowZero ? "must be between 0 and one hour (milliseconds)." : "must be more than 0 and at most one hour (milliseconds).");
    }

    private void CheckUrl(string? url, string path)
    {
        if (string.IsNullOrWhiteSpace(url))
            Add(path, "is required.");
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            Add(path, $"must be an absolute http or https URL; got '{Truncate(url)}'.");
    }

    private void CheckText(string? text, string path, IReadOnlyDictionary<string, JsonElement> variables)
    {
        if (text is null)
        {
            Add(path, "is required.");
            return;
        }
        if (text.Length > Limits.MaxTextCharacters)
        {
            Add(path, $"is {text.Length} characters; at most {Limits.MaxTextCharacters} are allowed.");
            return;
        }
        var missing = RequireVariableValues ? DynamicVariables.TokensIn(text).Where(n => !variables.ContainsKey(n)).Distinct().ToList() : [];
        if (missing.Count > 0)
            Add(path, $"uses {DynamicVariables.Describe(missing)} but dynamicVariables has no value for {(missing.Count == 1 ? "it" : "them")} (write {{{{ and }}}} for literal braces).");
        // The limit holds for the text as it will be spoken or drawn: short tokens must not expand past it.
        else if (RequireVariableValues && DynamicVariables.SubstitutedLength(text, variables) is var filled && filled > Limits.MaxTextCharacters)
            Add(path, $"is {filled} characters once its variables are filled in; at most {Limits.MaxTextCharacters} are allowed.");
    }

    private void CheckStyle(TextStyle style, string path)
    {
        if (style.FontSize is { } fs && (fs < 1 || fs > 1000))
            Add($"{path}.fontSize", "must be between 1 and 1000 pixels.");
        if (style.Color is { } c && !CreativeRules.IsColor(c))
            Add($"{path}.color", "must be a colour written #RRGGBB or #RRGGBBAA.");
        if (style.BackgroundColor is { } b && !CreativeRules.IsColor(b))
            Add($"{path}.backgroundColor", "must be a colour written #RRGGBB or #RRGGBBAA.");
        if (style.Align is { } a && a is not ("left" or "center" or "right"))
            Add($"{path}.align", "must be left, center or right.");
        if (style.LineHeight is { } lh && (lh < 0.5 || lh > 5))
            Add($"{path}.lineHeight", "must be between 0.5 and 5.");
        if (style.VerticalAlign is { } va && va is not ("top" or "middle" or "bottom"))
            Add($"{path}.verticalAlign", "must be top, middle or bottom.");
        if (style.Padding is { } pad && (pad < 0 || pad > 1000 || double.IsNaN(pad)))
            Add($"{path}.padding", "must be between 0 and 1000 pixels.");
        if (style.FontFamily is { } family && FontExists is not null && !FontExists(family))
            Add($"{path}.fontFamily", $"'{Truncate(family)}' is not an installed font family; see GET /assets/fonts, or give fontUrl.");
        if (style.FontUrl is not null)
            CheckUrl(style.FontUrl, $"{path}.fontUrl");
        if (style.BorderRadius is { } radius && (radius < 0 || radius > 1000 || double.IsNaN(radius)))
            Add($"{path}.borderRadius", "must be between 0 and 1000 pixels.");
        if (style.Outline is { } outline)
        {
            if (outline.Color is { } oc && !CreativeRules.IsColor(oc))
                Add($"{path}.outline.color", "must be a colour written #RRGGBB or #RRGGBBAA.");
            if (outline.Width is { } ow && (ow < 0 || ow > 100 || double.IsNaN(ow)))
                Add($"{path}.outline.width", "must be between 0 and 100 pixels.");
        }
        if (style.Shadow is { } shadow)
        {
            if (shadow.Color is { } sc && !CreativeRules.IsColor(sc))
                Add($"{path}.shadow.color", "must be a colour written #RRGGBB or #RRGGBBAA.");
            if (shadow.Blur is { } blur && (blur < 0 || blur > 100 || double.IsNaN(blur)))
                Add($"{path}.shadow.blur", "must be between 0 and 100 pixels.");
            if (shadow.OffsetX is { } sx && (Math.Abs(sx) > 1000 || double.IsNaN(sx)))
                Add($"{path}.shadow.offsetX", "must be between -1000 and 1000 pixels.");
            if (shadow.OffsetY is { } sy && (Math.Abs(sy) > 1000 || double.IsNaN(sy)))
                Add($"{path}.shadow.offsetY", "must be between -1000 and 1000 pixels.");
        }
        if (style.FontWeight is { } w && w is not ("normal" or "bold") && !(int.TryParse(w, out var n) && n is >= 100 and <= 900))
            Add($"{path}.fontWeight", "must be normal, bold or a number from 100 to 900.");
    }

    private void CheckSubtitles(SubtitleSettings subtitles, string path)
    {
        if (subtitles.Position is { } position && position is not ("bottom" or "top"))
            Add($"{path}.position", $"'{Truncate(position)}' is not a position: bottom or top.");
        if (subtitles.FontSize is { } size && (size < 8 || size > 400 || double.IsNaN(size)))
            Add($"{path}.fontSize", "must be between 8 and 400 pixels.");
        if (subtitles.FontFamily is { } family && FontExists is not null && !FontExists(family))
            Add($"{path}.fontFamily", $"'{Truncate(family)}' is not an installed font family; see GET /assets/fonts.");
        if (subtitles.FontWeight is { } w && w is not ("normal" or "bold") && !(int.TryParse(w, out var n) && n is >= 100 and <= 900))
            Add($"{path}.fontWeight", "must be normal, bold or a number from 100 to 900.");
        if (subtitles.Color is { } c && !CreativeRules.IsColor(c))
            Add($"{path}.color", "must be a colour written #RRGGBB or #RRGGBBAA.");
        if (subtitles.BackgroundColor is { } b && !CreativeRules.IsColor(b))
            Add($"{path}.backgroundColor", "must be a colour written #RRGGBB or #RRGGBBAA (#00000000 for no box).");
        if (subtitles.Outline is { } outline)
        {
            if (outline.Color is { } oc && !CreativeRules.IsColor(oc))
                Add($"{path}.outline.color", "must be a colour written #RRGGBB or #RRGGBBAA.");
            if (outline.Width is { } ow && (ow < 0 || ow > 100 || double.IsNaN(ow)))
                Add($"{path}.outline.width", "must be between 0 and 100 pixels.");
        }
        if (subtitles.Margin is { } margin && (margin < 0 || margin > 1000 || double.IsNaN(margin)))
            Add($"{path}.margin", "must be between 0 and 1000 pixels.");
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
