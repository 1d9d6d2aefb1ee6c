using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reelgen.Server.Storage;

namespace Reelgen.Server.Tests.Support;

/// <summary>
/// The real local video storage with a cue after each file is stored: a test makes storing slow (a shared mount),
/// fail (a full disk) or cuts the database at that moment.
/// </summary>
public sealed class CuedStorage(IOptions<ReelgenOptions> options) : VideoStorage(options)
{
    private readonly LocalVideoStorage _local = new(options);

    /// <summary>Runs after a file is stored, with its extension; what it throws is what storing throws.</summary>
    public Func<string, Task>? AfterStore { get; set; }

    public string Directory => _local.Directory;

    public static void Use(IServiceCollection services, Action<CuedStorage> configure) =>
        services.AddSingleton<VideoStorage>(sp =>
        {
            var storage = new CuedStorage(sp.GetRequiredService<IOptions<ReelgenOptions>>());
            configure(storage);
            return storage;
        });

    public override async Task StoreAsync(string sourcePath, string fileKey, string extension, CancellationToken ct)
    {
        await _local.StoreAsync(sourcePath, fileKey, extension, ct);
        if (AfterStore is { } cue)
            await cue(extension);
    }

    public override Task<bool> ExistsAsync(string fileKey, string extension, CancellationToken ct) => _local.ExistsAsync(fileKey, extension, ct);

    public override Task<IResult?> ServeAsync(string fileKey, string extension, string contentType, string? downloadName, CancellationToken ct) =>
        _local.ServeAsync(fileKey, extension, contentType, downloadName, ct);

    public override Task<string?> ReadTextAsync(string fileKey, string extension, CancellationToken ct) => _local.ReadTextAsync(fileKey, extension, ct);

    public override Task DeleteAsync(string fileKey, CancellationToken ct) => _local.DeleteAsync(fileKey, ct);
}
