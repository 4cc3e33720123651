using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>Lists every problem with <see cref="ArgusAuthOptions"/> at start-up.</summary>
internal sealed class ArgusAuthOptionsValidator : IValidateOptions<ArgusAuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusAuthOptions options)
    {
        List<string> failures = [];
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i] ?? "";
            // Whitespace would not survive a header (a bearer token is trimmed).
            if (key.Length < ArgusAuthOptions.MinKeyLength || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                failures.Add($"{ArgusAuthOptions.Section}:ApiKeys:{i} must be at least {ArgusAuthOptions.MinKeyLength} characters without spaces or control characters (has {key.Length}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
