using Microsoft.Extensions.Options;

namespace Argus.Inference.Storage;

/// <summary>Lists every problem with <see cref="StorageOptions"/> at start-up.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        List<string> failures = [];
        Check(nameof(options.InputRoots), options.InputRoots);
        Check(nameof(options.OutputRoots), options.OutputRoots);
        Check(nameof(options.CameraRoots), options.CameraRoots);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(string list, List<string> roots)
        {
            for (var i = 0; i < roots.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(roots[i]) || roots[i].Contains('\0'))
                {
                    failures.Add($"{StorageOptions.Section}:{list}:{i} must name a folder (is '{roots[i]}').");
                }
                else if (roots[i].Split('/').Contains(".."))
                {
                    failures.Add($"{StorageOptions.Section}:{list}:{i} must not have a '..' segment (is '{roots[i]}'): name the folder itself.");
                }
            }
        }
    }
}
