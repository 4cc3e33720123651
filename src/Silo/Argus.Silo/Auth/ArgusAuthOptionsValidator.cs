using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>Lists every problem with <see cref="ArgusAuthOptions"/> at start-up, the keys file's included.</summary>
internal sealed class ArgusAuthOptionsValidator : IValidateOptions<ArgusAuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusAuthOptions options)
    {
        var entries = KeyEntries.Configured(options);
        List<string> failures = [.. entries.Problems];
        if (!string.IsNullOrWhiteSpace(options.KeysFile))
        {
            // Read at start like the rest: a silo that would start with none of its keys says so instead.
            if (KeyEntries.ReadFile(options.KeysFile, out var unreadable) is { } content)
            {
                entries.AddFile(options.KeysFile, content);
                failures = [.. entries.Problems];
            }
            else
            {
                failures.Add(unreadable!);
            }
        }

        if (options.KeysFilePollMs is < 100 or > 600_000)
        {
            failures.Add($"{ArgusAuthOptions.Section}:KeysFilePollMs must be 100 to 600000 (is {options.KeysFilePollMs}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
