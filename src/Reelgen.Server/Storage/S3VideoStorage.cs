using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Reelgen.Server.Storage;

/// <summary>The bucket settings of <c>Reelgen__Storage__Provider=s3</c> (<c>Reelgen__Storage__S3__X</c>).</summary>
public sealed class S3StorageOptions
{
    /// <summary>The S3 endpoint (e.g. <c>https://s3.eu-west-1.amazonaws.com</c>, or a MinIO/Ceph/R2 address).</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>The region requests are signed for.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Address the bucket as <c>ServiceUrl/bucket/key</c> rather than <c>bucket.host/key</c> (most self-hosted servers).</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Answer public file URLs with a redirect to a presigned URL instead of streaming the object through Reelgen.</summary>
    public bool PresignedUrls { get; set; }

    /// <summary>How long a presigned URL works.</summary>
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Videos in an S3-compatible bucket, one object per file (<c>KEY.mp4</c>, ...). Uploads stream from the work
/// directory, in parts for large files; downloads stream through Reelgen with ranges, or go straight to the bucket
/// through a presigned URL.
/// </summary>
public sealed class S3VideoStorage : VideoStorage, IDisposable
{
    private readonly AmazonS3Client _s3;
    private readonly S3StorageOptions _settings;
    private readonly TimeProvider _time;

    public S3VideoStorage(IOptions<ReelgenOptions> options, TimeProvider time) : base(options)
    {
        _settings = options.Value.Storage.S3;
        _time = time;
        var config = new AmazonS3Config
        {
            ServiceURL = _settings.ServiceUrl,
            ForcePathStyle = _settings.ForcePathStyle,
            AuthenticationRegion = _settings.Region,
            // Checksums only where S3 demands them: many S3-compatible servers reject the trailing checksums that
            // newer SDKs send by default.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _s3 = _settings.AccessKey is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(_settings.AccessKey, _settings.SecretKey), config)
            : new AmazonS3Client(config);
    }

    private string Bucket => _settings.Bucket!;

    /// <summary>Files from this size on go up in parts of this size (S3 allows 5 MB to 5 GB a part, 10,000 parts).</summary>
    internal const long PartSize = 16 * 1024 * 1024;

    /// <summary>
    /// Streams the file from disk, in parts when it is large, so no file is ever held whole in memory. The SDK reads
    /// each part straight from the file. Payloads are signed whole rather than in aws-chunked encoding, which several
    /// S3-compatible servers do not decode.
    /// </summary>
    public override async Task StoreAsync(string sourcePath, string fileKey, string extension, CancellationToken ct)
    {
        var key = fileKey + extension;
        var length = new FileInfo(sourcePath).Length;
        if (length < PartSize)
        {
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                FilePath = sourcePath,
                ContentType = ContentTypes.For(extension),
                UseChunkEncoding = false,
            }, ct);
            return;
        }
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key, ContentType = ContentTypes.For(extension) }, ct);
        try
        {
            var parts = new List<PartETag>();
            for (var (number, position) = (1, 0L); position < length; number++, position += PartSize)
            {
                var part = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    FilePath = sourcePath,
                    FilePosition = position,
                    PartSize = Math.Min(PartSize, length - position),
                    UseChunkEncoding = false,
                }, ct);
                parts.Add(new PartETag(number, part.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = upload.UploadId, PartETags = parts }, ct);
        }
        catch
        {
            // An unfinished upload keeps its parts (and costs) until aborted.
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = upload.UploadId }, CancellationToken.None);
            throw;
        }
    }

    public override async Task<bool> ExistsAsync(string fileKey, string extension, CancellationToken ct) =>
        await MetadataAsync(fileKey + extension, ct) is not null;

    public override async Task<IResult?> ServeAsync(string fileKey, string extension, string contentType, string? downloadName, CancellationToken ct)
    {
        var key = fileKey + extension;
        if (_settings.PresignedUrls)
        {
            // No look-up first: the bucket answers 404 itself if the object is gone.
            var disposition = new ContentDispositionHeaderValue(downloadName is null ? "inline" : "attachment");
            if (downloadName is not null)
                disposition.SetHttpFileName(downloadName);
            var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = Bucket,
                Key = key,
                Verb = HttpVerb.GET,
                Expires = _time.GetUtcNow().Add(_settings.PresignedUrlLifetime).UtcDateTime,
                Protocol = _settings.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
                ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = contentType, ContentDisposition = disposition.ToString() },
            });
            return TypedResults.Redirect(url);
        }
        var metadata = await MetadataAsync(key, ct);
        if (metadata is null)
            return null;
        // ASP.NET answers ranges, If-None-Match and If-Range from these; the stream fetches only the bytes it is asked for.
        return TypedResults.Stream(
            new S3ObjectStream(_s3, Bucket, key, metadata.ContentLength),
            contentType,
            downloadName,
            metadata.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null,
            EntityTagHeaderValue.Parse(metadata.ETag),
            enableRangeProcessing: true);
    }

    public override async Task<string?> ReadTextAsync(string fileKey, string extension, CancellationToken ct)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(Bucket, fileKey + extension, ct);
            using var reader = new StreamReader(response.ResponseStream);
            return await reader.ReadToEndAsync(ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public override async Task DeleteAsync(string fileKey, CancellationToken ct)
    {
        var request = new DeleteObjectsRequest { BucketName = Bucket, Quiet = true };
        foreach (var extension in FileExtensions)
            request.AddKey(fileKey + extension);
        await _s3.DeleteObjectsAsync(request, ct);
    }

    private async Task<GetObjectMetadataResponse?> MetadataAsync(string key, CancellationToken ct)
    {
        try
        {
            return await _s3.GetObjectMetadataAsync(Bucket, key, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _s3.Dispose();
    }
}

/// <summary>
/// One object as a seekable read-only stream: each read after a seek starts a ranged GET from that position, so
/// serving a range of a large video fetches that range, not the whole object.
/// </summary>
internal sealed class S3ObjectStream(IAmazonS3 s3, string bucket, string key, long length) : Stream
{
    private long _position;
    private GetObjectResponse? _response;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        if (target < 0)
            throw new IOException("Cannot seek before the start of the object.");
        if (target != _position)
        {
            CloseBody();
            _position = target;
        }
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
            return 0;
        _response ??= await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, length - 1) }, cancellationToken);
        var read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void CloseBody()
    {
        _response?.Dispose();
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            CloseBody();
        base.Dispose(disposing);
    }
}
