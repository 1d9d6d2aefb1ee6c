using Reelgen.Cli;
using Reelgen.Server;

// `reelgen` alone, `reelgen serve`, or only host settings (--urls X, --Reelgen:Roles=api) serve; anything else, and
// `serve --help`, goes to the verbs, so `reelgen --version` or a mistyped option never starts a server.
if (ServeArguments.Host(args) is { } hostArgs)
{
    return await ReelgenServer.RunAsync(hostArgs);
}
return await CliApp.Create().RunAsync(args);

/// <summary>The entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
