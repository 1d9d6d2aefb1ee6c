using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Reelgen.Server.Operations;

/// <summary>
/// No request body may be larger than <see cref="Creative.JobLimits.MaxRequestBytes"/> (a batch than
/// <see cref="Creative.JobLimits.MaxBatchRequestBytes"/>): a declared length over it is answered
/// 413 before anything is read, and a body sent without one (chunked) is cut off at the limit and answered 413 too.
/// The same limit is handed to Kestrel, so it holds however the body is read.
/// </summary>
public static class RequestBodyLimit
{
    public static WebApplication UseRequestBodyLimit(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value.Limits;
        app.Use(async (context, next) =>
        {
            var limit = context.Request.Path.Value?.EndsWith("/video-generation-jobs/batch", StringComparison.OrdinalIgnoreCase) == true
                ? limits.MaxBatchRequestBytes
                : limits.MaxRequestBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit;
            if (context.Request.ContentLength > limit)
            {
                await TooLargeAsync(context, limit);
                return;
            }
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                await TooLargeAsync(context, limit);
            }
        });
        return app;
    }

    private static Task TooLargeAsync(HttpContext context, long limit)
    {
        var message = $"body: is more than {limit} bytes, the largest request this server accepts.";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large.",
            detail: message,
            extensions: new Dictionary<string, object?>
            {
                ["message"] = message,
                ["errors"] = new Dictionary<string, string[]> { ["body"] = [$"is more than {limit} bytes, the largest request this server accepts."] },
            }).ExecuteAsync(context);
    }

    /// <summary>Reads through to the body and throws a 413 <see cref="BadHttpRequestException"/> once more than the limit has come.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
                throw new BadHttpRequestException($"The request body is more than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
