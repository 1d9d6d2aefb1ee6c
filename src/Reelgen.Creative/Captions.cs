namespace Reelgen.Creative;

/// <summary>One caption on the video clock: the text shown from <see cref="StartMs"/> until <see cref="EndMs"/>.</summary>
public sealed record CaptionCue(double StartMs, double EndMs, string Text);
