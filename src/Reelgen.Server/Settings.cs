using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Reelgen.Server;

/// <summary>
/// Binds an options class from its configuration section and checks it at start, nested classes marked
/// <see cref="ValidateObjectMembersAttribute"/> included. Each failure names the setting as it is set in the
/// environment (<c>Reelgen__Worker__Concurrency = 0: must be between 1 and 64.</c>), so the fix is obvious.
/// </summary>
public static partial class Settings
{
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new Validation<T>(section));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>The environment-variable name of a configuration key: <c>Reelgen:Worker:Concurrency</c> → <c>Reelgen__Worker__Concurrency</c>.</summary>
    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>
    /// The failure line of a value that does not fit its setting's type, from the binder's message ("Failed to
    /// convert configuration value 'abc' at 'Reelgen:Worker:Concurrency' to type 'System.Int32'."); null for any other error.
    /// </summary>
    public static string? ConversionFailure(InvalidOperationException ex)
    {
        var match = ConversionMessage().Match(ex.Message);
        return match.Success
            ? $"{EnvironmentName(match.Groups["key"].Value)} = '{match.Groups["value"].Value}': is not a valid {match.Groups["type"].Value.Replace("System.", "", StringComparison.Ordinal)}."
            : null;
    }

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionMessage();

    private sealed class Validation<T>(string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new List<string>();
            Check(options, EnvironmentName(section), failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Check(object options, string prefix, List<string> failures)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty(""))
                {
                    var value = options.GetType().GetProperty(member)?.GetValue(options);
                    // A secret is named but never echoed: start logs are read by more people than the secret's owner.
                    var shown = member.Contains("Secret", StringComparison.Ordinal) || member.Contains("Token", StringComparison.Ordinal) ? "(hidden)" : Show(value);
                    failures.Add($"{prefix}__{member} = {shown}: {Reword(result.ErrorMessage ?? "is not valid.", member)}");
                }
            }
            foreach (var property in options.GetType().GetProperties().Where(p => p.IsDefined(typeof(ValidateObjectMembersAttribute))))
            {
                if (property.GetValue(options) is { } nested)
                    Check(nested, $"{prefix}__{property.Name}", failures);
            }
        }

        private static string Show(object? value) => value switch
        {
            null => "(not set)",
            string s => $"'{s}'",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            IEnumerable e => string.Join(",", e.Cast<object>()),
            _ => value.ToString() ?? "",
        };

        // The attributes' own messages say "The field Concurrency must be ..."; the setting's name is already given.
        private static string Reword(string message, string member) =>
            message.Replace($"The field {member} ", "", StringComparison.Ordinal)
                .Replace($"The {member} field ", "", StringComparison.Ordinal);
    }
}
