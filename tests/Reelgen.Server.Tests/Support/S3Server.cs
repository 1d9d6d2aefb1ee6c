using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Reelgen.Server.Tests.Support;

/// <summary>
/// A real S3-compatible server (s3rver, installed by scripts/test-s3rver.sh; REELGEN_TEST_S3RVER names its
/// executable) on a loopback port of its own, with one empty bucket. Without the variable the tests fail loudly.
/// </summary>
public sealed partial class S3Server : IAsyncDisposable
{
    public const string Bucket = "reelgen-test";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _directory;

    private S3Server(Process process, string directory, string serviceUrl)
    {
        _process = process;
        _directory = directory;
        ServiceUrl = serviceUrl;
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public string ServiceUrl { get; }

    /// <summary>The server's log: one line per request, among others.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    /// <summary>A client of its own, to look into the bucket behind Reelgen's back.</summary>
    public AmazonS3Client Client { get; }

    public static async Task<S3Server> StartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("REELGEN_TEST_S3RVER");
        Assert.False(string.IsNullOrEmpty(executable), "REELGEN_TEST_S3RVER is not set: run the tests with ./test.sh, which installs s3rver.");
        var directory = Directory.CreateTempSubdirectory("reelgen-s3-").FullName;
        var psi = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { executable!, "-d", directory, "-a", "127.0.0.1", "-p", "0", "--no-vhost-buckets", "--configure-bucket", Bucket })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                var server = new S3Server(process, directory, $"http://127.0.0.1:{match.Groups[1].Value}");
                // Keep draining the log so the server never blocks on a full pipe; tests read the requests in it.
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is { } logged)
                        server.Log.Enqueue(logged);
                });
                return server;
            }
        }
        throw new InvalidOperationException("s3rver exited before it listened");
    }

    /// <summary>The settings that point Reelgen at this server's bucket (configuration keys with ':' or '__').</summary>
    public Dictionary<string, string> Settings(string separator = ":", bool presigned = false) => new()
    {
        [$"Reelgen{separator}Storage{separator}Provider"] = "s3",
        [$"Reelgen{separator}Storage{separator}S3{separator}ServiceUrl"] = ServiceUrl,
        [$"Reelgen{separator}Storage{separator}S3{separator}Bucket"] = Bucket,
        [$"Reelgen{separator}Storage{separator}S3{separator}AccessKey"] = AccessKey,
        [$"Reelgen{separator}Storage{separator}S3{separator}SecretKey"] = SecretKey,
        [$"Reelgen{separator}Storage{separator}S3{separator}ForcePathStyle"] = "true",
        [$"Reelgen{separator}Storage{separator}S3{separator}PresignedUrls"] = presigned ? "true" : "false",
    };

    /// <summary>Every key in the bucket.</summary>
    public async Task<List<string>> KeysAsync()
    {
        var response = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        return response.S3Objects?.Select(o => o.Key).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"listening on [^\s]+:(\d+)")]
    private static partial Regex Listening();
}
