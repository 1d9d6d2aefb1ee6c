using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reelgen.Rendering;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>Callbacks never reach private addresses unless allowed: refused at submit when the URL says so, and at send time whatever DNS says.</summary>
public sealed class CallbackAddressTests
{
    // One or more per address family the issue names.
    public static readonly TheoryData<string, string> PrivateAddresses = new()
    {
        { "10.1.2.3", "private 10/8" },
        { "172.16.0.1", "private 172.16/12" },
        { "172.31.255.254", "private 172.16/12" },
        { "192.168.1.1", "private 192.168/16" },
        { "127.0.0.1", "loopback" },
        { "127.8.9.10", "loopback" },
        { "::1", "IPv6 loopback" },
        { "169.254.169.254", "link-local (cloud metadata)" },
        { "169.254.0.1", "link-local" },
        { "fe80::1", "IPv6 link-local" },
        { "100.64.0.1", "CGNAT" },
        { "100.127.255.254", "CGNAT" },
        { "fc00::1", "unique-local" },
        { "fd12:3456:789a::1", "unique-local" },
        { "::ffff:127.0.0.1", "IPv4-mapped loopback" },
        { "::ffff:10.0.0.1", "IPv4-mapped private" },
        { "::ffff:169.254.169.254", "IPv4-mapped metadata" },
        { "224.0.0.1", "multicast" },
        { "ff02::1", "IPv6 multicast" },
        { "0.0.0.0", "unspecified" },
        { "::", "IPv6 unspecified" },
        { "255.255.255.255", "broadcast" },
    };

    [Theory]
    [MemberData(nameof(PrivateAddresses))]
    public void The_address_policy_calls_these_addresses_not_public(string address, string family)
    {
        Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)), $"{address} ({family}) counted as public");
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:93.184.216.34")]
    public void Public_addresses_are_public(string address)
    {
        Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task Submit_refuses_callback_urls_that_name_a_private_address_in_any_notation()
    {
        using var app = new ReelgenApp();
        var client = app.V1Client();
        var urls = PrivateAddresses.Select(row => (string)row[0]).Select(a => a.Contains(':') ? $"http://[{a}]/hook" : $"http://{a}/hook").Concat(
        [
            "http://localhost:8080/hook",
            "http://LOCALHOST./hook",
            "http://api.localhost/hook",
            "https://2130706433/hook",          // 127.0.0.1 as one number
            "http://0x7f.1/hook",               // 127.0.0.1 in hex shorthand
            "http://0251.0376.0251.0376/hook",  // 169.254.169.254 in octal
            "http://[::ffff:a9fe:a9fe]/hook",   // 169.254.169.254 mapped, hex
            "http://[fe80::1%25eth0]/hook",     // link-local with a zone
            "ftp://example.com/hook",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "gopher://example.com/",
            "/relative/hook",
            "http:///hook",
        ]);
        var accepted = new List<string>();
        foreach (var url in urls)
        {
            var response = await client.PostAsJsonAsync("video-generation-jobs", CallbackDeliveryTests.WithCallback(Creatives.ColourSlide(), url));
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
            if (response.StatusCode != HttpStatusCode.BadRequest || problem?["errors"]?["callback"] is null)
                accepted.Add($"{url} -> {(int)response.StatusCode}");
        }
        Assert.True(accepted.Count == 0, "not refused: " + string.Join("; ", accepted));
    }

    [Fact]
    public async Task Submit_accepts_public_and_allowed_private_callback_urls()
    {
        using (var strict = new ReelgenApp())
        {
            await strict.V1Client().SubmitAsync(CallbackDeliveryTests.WithCallback(Creatives.ColourSlide(), "https://hooks.example.com/reelgen?x=1"));
            await strict.V1Client().SubmitAsync(CallbackDeliveryTests.WithCallback(Creatives.ColourSlide(), "http://93.184.216.34:8080/hook"));
        }
        using var relaxed = new ReelgenApp(s => s["Reelgen:Network:AllowPrivateAddresses"] = "true");
        await relaxed.V1Client().SubmitAsync(CallbackDeliveryTests.WithCallback(Creatives.ColourSlide(), "http://127.0.0.1:9/hook"));
        await relaxed.V1Client().SubmitAsync(CallbackDeliveryTests.WithCallback(Creatives.ColourSlide(), "http://[fd00::1]/hook"));
    }

    [Theory]
    [MemberData(nameof(PrivateAddresses))]
    public async Task The_sending_handler_refuses_literal_private_addresses_without_connecting(string address, string family)
    {
        using var client = new HttpClient(SafeHttp.CreateHandler(allowPrivate: false)) { Timeout = TimeSpan.FromSeconds(5) };
        var url = address.Contains(':') ? $"http://[{address}]:9/hook" : $"http://{address}:9/hook";
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(url, new StringContent("{}")));
        Assert.True(ex.InnerException is UnsafeAddressException, $"{address} ({family}): {ex}");
    }

    [Fact]
    public async Task The_sending_handler_refuses_a_name_that_resolves_to_loopback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var client = new HttpClient(SafeHttp.CreateHandler(allowPrivate: false));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://localhost:{receiver.Port}/hook", new StringContent("{}")));
        Assert.IsType<UnsafeAddressException>(ex.InnerException);
        Assert.Empty(receiver.All);
    }

    [Fact]
    public async Task The_sending_handler_connects_to_the_address_it_vetted_not_a_second_lookup()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var lookups = 0;
        Task<IPAddress[]> Resolve(string host, CancellationToken ct)
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(host == "receiver.test" ? new[] { IPAddress.Loopback } : []);
        }

        // Allowed: the name resolves once, through our resolver, and the request reaches the receiver with its Host.
        using (var allowed = new HttpClient(SafeHttp.CreateHandler(allowPrivate: true, resolve: Resolve)))
        {
            var response = await allowed.PostAsync($"http://receiver.test:{receiver.Port}/hook", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(receiver.All);
            Assert.Equal(1, lookups);
        }

        // Not allowed: the same answer is refused before any connection.
        using var strict = new HttpClient(SafeHttp.CreateHandler(allowPrivate: false, resolve: Resolve));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => strict.PostAsync($"http://receiver.test:{receiver.Port}/hook", new StringContent("{}")));
        Assert.IsType<UnsafeAddressException>(ex.InnerException);
        Assert.Single(receiver.All);
    }

    [Fact]
    public async Task The_sending_handler_refuses_when_every_resolved_address_is_private()
    {
        static Task<IPAddress[]> Resolve(string host, CancellationToken ct) =>
            Task.FromResult(new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00::5") });
        using var client = new HttpClient(SafeHttp.CreateHandler(allowPrivate: false, resolve: Resolve));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://rebind.example/hook", new StringContent("{}")));
        var refused = Assert.IsType<UnsafeAddressException>(ex.InnerException);
        Assert.Contains("169.254.169.254", refused.Message);
    }

    [Fact]
    public async Task A_job_whose_callback_host_resolves_to_loopback_records_a_refusal_and_sends_nothing()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create(schedule: "50ms", configure: s => s["Reelgen:Network:AllowPrivateAddresses"] = "false");
        var client = app.V1Client();
        // Written past the submit check (which refuses localhost by name) to exercise the send-time check.
        var job = await app.InsertJobAsync(new JsonObject { ["callback"] = $"http://localhost:{receiver.Port}/hook" });

        var delivery = await client.WaitForDeliveryAsync(job.Id, "failed", attempts: 2);
        Assert.All(delivery["attempts"]!.AsArray(), a => Assert.StartsWith("refused:", (string?)a!["error"]));
        Assert.Empty(receiver.All);
    }
}
