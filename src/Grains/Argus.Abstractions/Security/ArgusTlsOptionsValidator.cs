using Microsoft.Extensions.Options;

namespace Argus.Security;

/// <summary>
/// Lists every problem with <see cref="ArgusTlsOptions"/> at start-up: a missing setting or file, a certificate and key
/// that do not load as a pair, an authority with no certificate, and a certificate that does not chain to the authority
/// (peers would refuse it on every connection).
/// </summary>
public sealed class ArgusTlsOptionsValidator : IValidateOptions<ArgusTlsOptions>
{
    private readonly string _section;

    /// <summary>A validator for the silo's section, <see cref="ArgusTlsOptions.Section"/>.</summary>
    public ArgusTlsOptionsValidator()
        : this(ArgusTlsOptions.Section)
    {
    }

    /// <summary>A validator whose failures name the settings under <paramref name="section"/>.</summary>
    public ArgusTlsOptionsValidator(string section) => _section = section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusTlsOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        List<string> failures = [];
        var files = new (string Setting, string? Path)[]
        {
            (nameof(ArgusTlsOptions.Certificate), options.Certificate),
            (nameof(ArgusTlsOptions.Key), options.Key),
            (nameof(ArgusTlsOptions.CertificateAuthority), options.CertificateAuthority),
        };
        foreach (var (setting, path) in files)
        {
            if (string.IsNullOrWhiteSpace(path))
                failures.Add($"{_section}:{setting} is needed with the other TLS settings: Certificate, Key and CertificateAuthority go together.");
            else if (!File.Exists(path))
                failures.Add($"{_section}:{setting} names no readable file (is '{path}').");
        }

        if (failures.Count > 0)
        {
            return ValidateOptionsResult.Fail(failures);
        }

        TlsCertificates? certificates = null;
        try
        {
            certificates = TlsCertificates.Load(options);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"{_section}: {e.Message}");
        }

        if (certificates is not null)
        {
            using (certificates)
            {
                if (certificates.ChainProblem(certificates.Certificate) is { } problem)
                    failures.Add($"{_section}:Certificate ('{options.Certificate}') does not chain to {_section}:CertificateAuthority ('{options.CertificateAuthority}'): {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
