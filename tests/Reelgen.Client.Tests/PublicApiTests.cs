using System.Reflection;
using System.Runtime.CompilerServices;
using PublicApiGenerator;
using Reelgen.Client.AspNetCore;

namespace Reelgen.Client.Tests;

/// <summary>
/// Guards the SDK's public surface: a change to it must be deliberate. When a test fails, read the diff between
/// PublicApi/NAME.received.txt and PublicApi/NAME.approved.txt; if the change is intended, copy received over
/// approved (or run the tests with REELGEN_APPROVE_PUBLIC_API=1) and commit the approved file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_of_Reelgen_Client_is_unchanged() => Approve(typeof(ReelgenClient).Assembly);

    [Fact]
    public void The_public_api_of_Reelgen_Client_AspNetCore_is_unchanged() => Approve(typeof(ReelgenCallbackEndpoints).Assembly);

    private static void Approve(Assembly assembly, [CallerFilePath] string here = "")
    {
        var name = assembly.GetName().Name!;
        var folder = Path.Combine(Path.GetDirectoryName(here)!, "PublicApi");
        var approvedPath = Path.Combine(folder, $"{name}.approved.txt");
        var receivedPath = Path.Combine(folder, $"{name}.received.txt");
        var actual = assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"] }).ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable("REELGEN_APPROVE_PUBLIC_API") == "1")
            File.WriteAllText(approvedPath, actual);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        Assert.Fail(
            $"The public API of {name} changed. Compare {receivedPath} with {approvedPath}. If the change is intended, " +
            $"copy the received file over the approved one (or run the tests with REELGEN_APPROVE_PUBLIC_API=1) and commit it.");
    }
}
