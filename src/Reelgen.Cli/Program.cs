using Reelgen.Cli;
using Reelgen.Server;

// `reelgen` alone, or with only host options (--urls ...), serves; any other first word is a verb.
if (args.Length == 0 || args[0].StartsWith('-') || args[0] == "serve")
{
    return await ReelgenServer.RunAsync(args.SkipWhile(a => a == "serve").ToArray());
}
return await CliApp.Create().RunAsync(args);

/// <summary>The entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
