using Microsoft.Extensions.Options;

namespace Argus.Grains.Storage;

/// <summary>Lists every problem with <see cref="ObjectStoreOptions"/> at start-up, naming settings but never quoting a credential.</summary>
internal sealed class ObjectStoreOptionsValidator : IValidateOptions<ObjectStoreOptions>
{
    private const string Section = ObjectStoreOptions.Section;

    /// <summary>The smallest part: 64 KiB (a compatible server may take smaller ones, which buy nothing).</summary>
    private const int MinPartSize = 64 << 10;

    /// <summary>The largest part: 1 GiB, held in memory while it goes up (S3 and Azure take more).</summary>
    private const int MaxPartSize = 1 << 30;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ObjectStoreOptions options)
    {
        List<string> failures = [];
        if (options.ReadConcurrency is < 1 or > 256) failures.Add($"{Section}:ReadConcurrency must be 1 to 256 (is {options.ReadConcurrency}).");
        if (options.MaxRetries is < 0 or > 20) failures.Add($"{Section}:MaxRetries must be 0 to 20 (is {options.MaxRetries}).");
        if (options.ListPageSize is < 1 or > 1000) failures.Add($"{Section}:ListPageSize must be 1 to 1000 (is {options.ListPageSize}).");
        if (options.UploadPartSize is < MinPartSize or > MaxPartSize) failures.Add($"{Section}:UploadPartSize must be {MinPartSize} to {MaxPartSize} bytes (is {options.UploadPartSize}).");
        var s3 = options.S3;
        if (s3.ServiceUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0))
            failures.Add($"{Section}:S3:ServiceUrl must be an http(s) URL without a user in it.");
        if (string.IsNullOrEmpty(s3.AccessKey) != string.IsNullOrEmpty(s3.SecretKey))
            failures.Add($"{Section}:S3:AccessKey and {Section}:S3:SecretKey go together: set both, or neither for the environment's credentials.");
        if (s3.Region is { } region && !(region.Length is > 0 and <= 64 && region.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
            failures.Add($"{Section}:S3:Region must be a region name such as us-east-1.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
