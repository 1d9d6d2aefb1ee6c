namespace Reelgen.Server.Storage;

public static class StorageServices
{
    /// <summary>The video storage chosen by <c>Reelgen__Storage__Provider</c>, its settings checked at start.</summary>
    public static IServiceCollection AddVideoStorage(this IServiceCollection services, string provider)
    {
        services.AddOptions<ReelgenOptions>()
            .Validate(o => o.Storage.Provider is "local" or "s3", "Reelgen__Storage__Provider must be local or s3.")
            .Validate(o => o.Storage.Provider != "s3" || !string.IsNullOrWhiteSpace(o.Storage.S3.Bucket),
                "Reelgen__Storage__S3__Bucket is required when Reelgen__Storage__Provider is s3.")
            .Validate(o => o.Storage.Provider != "s3" || Uri.TryCreate(o.Storage.S3.ServiceUrl, UriKind.Absolute, out _),
                "Reelgen__Storage__S3__ServiceUrl must be an absolute URL when Reelgen__Storage__Provider is s3.")
            .Validate(o => o.Storage.S3.PresignedUrlLifetime >= TimeSpan.FromMinutes(1) && o.Storage.S3.PresignedUrlLifetime <= TimeSpan.FromDays(7),
                "Reelgen__Storage__S3__PresignedUrlLifetime must be between 00:01:00 and 7.00:00:00.");
        if (provider == "s3")
            services.AddSingleton<VideoStorage, S3VideoStorage>();
        else
            services.AddSingleton<VideoStorage, LocalVideoStorage>();
        return services;
    }
}
