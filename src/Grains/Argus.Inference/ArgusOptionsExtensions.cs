using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Argus.Inference;

/// <summary>The one way Argus registers an options class, used by every <c>Add…</c> that owns one.</summary>
public static class ArgusOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the configuration section <paramref name="section"/> and validates it at
    /// start with <typeparamref name="TValidator"/>, which lists every failure, so the host refuses a wrong configuration
    /// with all its problems at once instead of failing on first use. Calling it twice is harmless: the section is bound
    /// once (binding twice would append every list entry again).
    /// </summary>
    public static OptionsBuilder<TOptions> AddArgusOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = services.AddOptions<TOptions>();
        if (services.Any(s => s.ServiceType == typeof(IValidateOptions<TOptions>) && s.ImplementationType == typeof(TValidator)))
        {
            return options;
        }

        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return options.BindConfiguration(section).ValidateOnStart();
    }
}
