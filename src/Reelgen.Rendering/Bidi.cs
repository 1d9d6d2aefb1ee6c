using System.Runtime.InteropServices;

namespace Reelgen.Rendering;

/// <summary>
/// The Unicode Bidirectional Algorithm (UAX #9) of the system's ICU (<c>libicuuc</c>), the library the .NET runtime
/// itself loads for globalization, so it is there wherever Reelgen runs with globalization on. ICU gives its C
/// functions its major version as a suffix (<c>ubidi_open_72</c>), so the library and the suffix are found the way
/// .NET finds them: the newest <c>libicuuc.so.N</c> that loads. Without ICU, <see cref="Available"/> is false and
/// a line keeps the one direction HarfBuzz guesses for each piece of it.
/// </summary>
internal static unsafe class Bidi
{
    // ubidi.h: UBiDiDirection.
    private const int DirectionRightToLeft = 1;

    private static readonly Api? Loaded = Api.Load();

    /// <summary>A piece of a line at one embedding level: <see cref="Start"/> and <see cref="Length"/> in UTF-16 units.</summary>
    public readonly record struct Run(int Start, int Length, bool RightToLeft);

    /// <summary>Whether ICU could be loaded; without it text is laid out left to right.</summary>
    public static bool Available => Loaded is not null;

    /// <summary>Whether <paramref name="paragraph"/>'s first strong character is right-to-left (UAX #9 P2 and P3); false when it has none, or without ICU.</summary>
    public static bool StartsRightToLeft(string paragraph)
    {
        if (Loaded is null || paragraph.Length == 0)
            return false;
        fixed (char* text = paragraph)
            return Loaded.GetBaseDirection(text, paragraph.Length) == DirectionRightToLeft;
    }

    /// <summary>The runs of <paramref name="line"/> in visual order, left to right, in a paragraph of the given direction; null without ICU.</summary>
    public static List<Run>? VisualRuns(string line, bool rightToLeft)
    {
        if (Loaded is null)
            return null;
        if (line.Length == 0)
            return [];
        var bidi = Loaded.Open();
        if (bidi == IntPtr.Zero)
            return null;
        try
        {
            // ICU keeps a pointer to the text, which stays pinned until the runs are read.
            fixed (char* text = line)
            {
                var error = 0;
                Loaded.SetPara(bidi, text, line.Length, (byte)(rightToLeft ? 1 : 0), null, &error);
                var count = error > 0 ? 0 : Loaded.CountRuns(bidi, &error);
                if (error > 0)
                    return null;
                var runs = new List<Run>(count);
                for (var i = 0; i < count; i++)
                {
                    int start, length;
                    var direction = Loaded.GetVisualRun(bidi, i, &start, &length);
                    runs.Add(new Run(start, length, direction == DirectionRightToLeft));
                }
                return runs;
            }
        }
        finally
        {
            Loaded.Close(bidi);
        }
    }

    private sealed class Api
    {
        public delegate* unmanaged<IntPtr> Open;
        public delegate* unmanaged<IntPtr, void> Close;
        public delegate* unmanaged<IntPtr, char*, int, byte, byte*, int*, void> SetPara;
        public delegate* unmanaged<IntPtr, int*, int> CountRuns;
        public delegate* unmanaged<IntPtr, int, int*, int*, int> GetVisualRun;
        public delegate* unmanaged<char*, int, int> GetBaseDirection;

        /// <summary>The newest ICU that loads and has the BiDi functions; null when there is none. The library stays loaded for the process's life.</summary>
        public static Api? Load()
        {
            for (var version = 100; version >= 50; version--)
            {
                if (!NativeLibrary.TryLoad($"libicuuc.so.{version}", out var library))
                    continue;
                // Distributions build ICU with versioned names; a build configured without them exports plain ones.
                foreach (var suffix in new[] { $"_{version}", "" })
                {
                    if (!NativeLibrary.TryGetExport(library, "ubidi_open" + suffix, out var open))
                        continue;
                    IntPtr Export(string name) => NativeLibrary.GetExport(library, name + suffix);
                    try
                    {
                        return new Api
                        {
                            Open = (delegate* unmanaged<IntPtr>)open,
                            Close = (delegate* unmanaged<IntPtr, void>)Export("ubidi_close"),
                            SetPara = (delegate* unmanaged<IntPtr, char*, int, byte, byte*, int*, void>)Export("ubidi_setPara"),
                            CountRuns = (delegate* unmanaged<IntPtr, int*, int>)Export("ubidi_countRuns"),
                            GetVisualRun = (delegate* unmanaged<IntPtr, int, int*, int*, int>)Export("ubidi_getVisualRun"),
                            GetBaseDirection = (delegate* unmanaged<char*, int, int>)Export("ubidi_getBaseDirection"),
                        };
                    }
                    catch (EntryPointNotFoundException)
                    {
                        return null;
                    }
                }
                return null;
            }
            return null;
        }
    }
}
