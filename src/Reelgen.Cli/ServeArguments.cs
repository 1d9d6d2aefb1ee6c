namespace Reelgen.Cli;

/// <summary>Tells a command line that runs the service from one that names a verb.</summary>
public static class ServeArguments
{
    // The host's own switches that may take their value as the next argument; so may configuration keys
    // (--Reelgen:Roles worker), recognised by their ':'. A bare flag (--version, --help, a typo) is never a setting.
    private static readonly string[] HostSwitches = ["urls", "environment", "contentRoot", "applicationName", "webroot"];

    /// <summary>The arguments to start the service with, or null when <paramref name="args"/> asks for a verb, help or the version.</summary>
    /// <param name="args">The command line.</param>
    public static string[]? Host(string[] args)
    {
        var rest = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
        if (args.Length > 0 && args[0] != "serve" && !args[0].StartsWith("--", StringComparison.Ordinal))
            return null;
        for (var i = 0; i < rest.Length; i++)
        {
            if (!rest[i].StartsWith("--", StringComparison.Ordinal))
                return null;
            // --key=value is configuration, as ASP.NET Core reads it (test hosts pass their settings this way).
            if (rest[i].Contains('=', StringComparison.Ordinal))
                continue;
            var name = rest[i][2..];
            if (!HostSwitches.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.Contains(':', StringComparison.Ordinal))
                return null;
            i++; // --name value
        }
        return rest;
    }
}
