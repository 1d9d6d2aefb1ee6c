using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>A presenter that can be named in an actor track: built in, or a folder in the data directory.</summary>
public sealed record Presenter(string Name, string DisplayName, string Gender, string DefaultVoice, string Color, bool Custom);

/// <summary>A custom presenter folder that could not be loaded: which folder, which file, and why.</summary>
public sealed record PresenterProblem(string Name, string File, string Reason)
{
    public override string ToString() => $"presenter '{Name}': {File}: {Reason}";
}

/// <summary>
/// Every presenter this process can draw: the built-in ones (their art is compiled into this assembly from
/// <c>Presenters/</c>) and the custom ones found at start in <c>&lt;DataDirectory&gt;/presenters/NAME/</c>. A broken
/// custom folder is listed in <see cref="Problems"/> and left out; the others still load.
/// </summary>
public sealed partial class PresenterCatalog : IDisposable
{
    private readonly Dictionary<string, Presenter> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<PresenterArt>> _art = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Presenter> _all = [];
    private readonly List<PresenterProblem> _problems = [];
    private readonly Dictionary<string, string> _fingerprints = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="customDirectory">The folder holding custom presenters, one subfolder each; null or missing for none.</param>
    public PresenterCatalog(string? customDirectory = null)
    {
        var assembly = typeof(PresenterCatalog).Assembly;
        foreach (var actor in Actors.BuiltIn)
        {
            var presenter = new Presenter(actor.Name, actor.DisplayName, actor.Gender, actor.DefaultVoice, actor.Color, Custom: false);
            _all.Add(presenter);
            _byName[actor.Name] = presenter;
            _art[actor.Name] = new Lazy<PresenterArt>(() => PresenterArt.Load(file => Resource(assembly, actor.Name, file)));
        }
        if (customDirectory is not null && Directory.Exists(customDirectory))
        {
            foreach (var folder in Directory.GetDirectories(customDirectory).Order(StringComparer.Ordinal))
                LoadCustom(folder);
        }
    }

    /// <summary>Every presenter, built-in first.</summary>
    public IReadOnlyList<Presenter> All => _all;

    /// <summary>Custom folders that could not be loaded.</summary>
    public IReadOnlyList<PresenterProblem> Problems => _problems;

    /// <summary>The presenter with this name (case-insensitive), or null.</summary>
    public Presenter? Find(string name) => _byName.GetValueOrDefault(name);

    public bool Exists(string name) => _byName.ContainsKey(name);

    /// <summary>The presenter's art, read once per process.</summary>
    public PresenterArt Art(string name) =>
        _art.TryGetValue(name, out var art) ? art.Value : throw new RenderException($"presenter '{name}' is not known");

    /// <summary>
    /// What the presenter's pictures are drawn from, for the scene cache's key: a built-in presenter's art ships with
    /// the renderer (whose version is in the key already); a custom one's is the SHA-256 of every file its art read.
    /// </summary>
    internal string Fingerprint(string name) =>
        _fingerprints.TryGetValue(name, out var custom) ? custom : "built-in:" + (Find(name)?.Name ?? name);

    /// <summary>A still of the presenter at rest on its backdrop, as a PNG.</summary>
    public byte[] PreviewPng(string name, int width, int height)
    {
        var presenter = Find(name) ?? throw new RenderException($"presenter '{name}' is not known");
        var art = Art(presenter.Name);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))!;
        var box = new SKRect(0, 0, width, height);
        art.DrawBody(surface.Canvas, box, Colors.Parse(presenter.Color), transparent: false);
        var (left, top, scale) = art.Fit(box);
        using (var head = SKSurface.Create(new SKImageInfo(art.SpriteSize(scale).Width, art.SpriteSize(scale).Height, SKColorType.Rgba8888, SKAlphaType.Premul))!)
        {
            art.DrawHead(head.Canvas, scale, PresenterPose.Rest);
            using var image = head.Snapshot();
            surface.Canvas.DrawImage(image, left + (art.HeadBounds.Left * scale), top + (art.HeadBounds.Top * scale), new SKSamplingOptions(SKFilterMode.Linear), null);
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private void LoadCustom(string folder)
    {
        var name = Path.GetFileName(folder);
        if (!ValidName().IsMatch(name))
        {
            _problems.Add(new PresenterProblem(name, folder, "the folder name must be 1 to 64 letters, digits, '-' or '_'"));
            return;
        }
        if (_byName.ContainsKey(name))
        {
            _problems.Add(new PresenterProblem(name, folder, "a built-in presenter has this name; rename the folder"));
            return;
        }
        PresenterArt art;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            art = PresenterArt.Load(file =>
            {
                var bytes = ReadInside(folder, file);
                hash.AppendData(Encoding.UTF8.GetBytes(file + "\n" + (bytes?.Length ?? -1) + "\n"));
                if (bytes is not null)
                    hash.AppendData(bytes);
                return bytes;
            });
        }
        catch (PresenterArtException ex)
        {
            _problems.Add(new PresenterProblem(name, Path.Combine(folder, ex.File), ex.Reason));
            return;
        }
        var m = art.Manifest;
        var gender = m.Gender is "Male" or "Female" ? m.Gender : null;
        var problem = gender is null ? "gender: must be \"Male\" or \"Female\""
            : string.IsNullOrWhiteSpace(m.DefaultVoice) ? "defaultVoice: missing (a voice id from GET /assets/voices)"
            : m.Backdrop is not null && !HexColour().IsMatch(m.Backdrop) ? "backdrop: not a colour (#RRGGBB)"
            : null;
        if (problem is not null)
        {
            art.Dispose();
            _problems.Add(new PresenterProblem(name, Path.Combine(folder, PresenterArt.ManifestFile), problem));
            return;
        }
        var presenter = new Presenter(name, m.DisplayName ?? name, gender!, m.DefaultVoice!, m.Backdrop ?? "#607D8B", Custom: true);
        _all.Add(presenter);
        _byName[name] = presenter;
        _art[name] = new Lazy<PresenterArt>(art);
        _fingerprints[name] = "custom:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A part of a custom folder; a name that would leave the folder is treated as missing.</summary>
    private static byte[]? ReadInside(string folder, string file)
    {
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(root, file));
        if (!path.StartsWith(root, StringComparison.Ordinal) || !File.Exists(path))
            return null;
        return new FileInfo(path).Length > 20_000_000 ? throw new PresenterArtException(file, "larger than 20 MB") : File.ReadAllBytes(path);
    }

    private static byte[]? Resource(System.Reflection.Assembly assembly, string name, string file)
    {
        using var stream = assembly.GetManifestResourceStream($"Presenters/{name}/{file}");
        if (stream is null)
            return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColour();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ValidName();

    public void Dispose()
    {
        foreach (var art in _art.Values.Where(a => a.IsValueCreated))
            art.Value.Dispose();
    }
}
