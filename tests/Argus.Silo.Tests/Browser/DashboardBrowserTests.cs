using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Argus.Silo.Tests.Browser;

/// <summary>
/// A person's view of the secured silo, through Debian's chromium driven by its chromium-driver (headless): they sign in
/// with the API key, find Argus' grains on the Orleans dashboard and Argus' metrics at /metrics.
/// </summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class DashboardBrowserTests(SecuredSiloFixture fixture) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Driver = "/usr/bin/chromedriver";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ChromeDriver _browser = Start();

    public void Dispose() => _browser.Quit();

    private static ChromeDriver Start()
    {
        if (!File.Exists(Chromium) || !File.Exists(Driver))
        {
            throw new InvalidOperationException(
                $"{Chromium} or {Driver} is missing: install Debian's chromium and chromium-driver (scripts/install-deps.sh --test-data).");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        // No sandbox: tests may run as root, where chromium refuses its sandbox; the pages are the test's own silo's.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        return new ChromeDriver(service, options, Patience);
    }

    private string Url(string path) => new Uri(fixture.Silo!.BaseAddress, path).ToString();

    private void WaitFor(Func<IWebDriver, bool> condition, string what)
    {
        try
        {
            new WebDriverWait(_browser, Patience).Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"Timed out waiting for {what} at {_browser.Url}:\n{_browser.FindElement(By.TagName("body")).Text}");
        }
    }

    [Fact]
    public void A_person_signs_in_and_finds_Argus_grains_on_the_dashboard_and_Argus_metrics_at_metrics()
    {
        _browser.Navigate().GoToUrl(Url("dashboard/"));
        WaitFor(b => b.Url.Contains("/login", StringComparison.Ordinal), "the login page");

        _browser.FindElement(By.Id("key")).SendKeys(SecuredSiloFixture.ApiKey);
        _browser.FindElement(By.Id("sign-in")).Click();
        WaitFor(b => new Uri(b.Url).AbsolutePath == "/dashboard/", "the dashboard after signing in");

        _browser.Navigate().GoToUrl(Url("dashboard/#/grains"));
        WaitFor(b => b.FindElement(By.TagName("body")).Text.Contains("DeviceGrain", StringComparison.Ordinal), "Argus' DeviceGrain on the dashboard");
        var dashboard = _browser.FindElement(By.TagName("body")).Text;
        Assert.Contains("DeviceDirectoryGrain", dashboard);

        _browser.Navigate().GoToUrl(Url("metrics"));
        WaitFor(b => b.FindElement(By.TagName("body")).Text.Contains("argus_inference_queue_depth", StringComparison.Ordinal), "Argus' metrics");
        var metrics = _browser.FindElement(By.TagName("body")).Text;
        Assert.Contains("argus_device_utilization{", metrics);
        Assert.Contains("device_kind=\"sim\"", metrics);
    }
}
