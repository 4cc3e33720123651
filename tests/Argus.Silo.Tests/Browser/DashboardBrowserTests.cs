using System.Drawing;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.Testing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Argus.Silo.Tests.Browser;

/// <summary>
/// A person's view of the secured silo, through Debian's chromium driven by its chromium-driver (headless): they sign in
/// with the API key, find Argus' grains on the Orleans dashboard and Argus' metrics at /metrics, and a job's report
/// from the silo's jobs page.
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

    /// <summary>Goes to <paramref name="path"/>, is sent to the login page, signs in and waits to be at <paramref name="landing"/>.</summary>
    private void SignIn(string path, string landing)
    {
        _browser.Navigate().GoToUrl(Url(path));
        WaitFor(b => b.Url.Contains("/login", StringComparison.Ordinal), "the login page");

        _browser.FindElement(By.Id("key")).SendKeys(SecuredSiloFixture.ApiKey);
        _browser.FindElement(By.Id("sign-in")).Click();
        WaitFor(b => new Uri(b.Url).AbsolutePath == landing, $"{landing} after signing in");
    }

    private string Body => _browser.FindElement(By.TagName("body")).Text;

    [Fact]
    public void A_person_signs_in_and_finds_Argus_grains_on_the_dashboard_and_Argus_metrics_at_metrics()
    {
        SignIn("dashboard/", "/dashboard/");

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

    [Fact]
    public async Task A_person_opens_a_finished_job_s_report_from_the_jobs_page_and_it_fetches_nothing_else()
    {
        var work = Directory.CreateTempSubdirectory("argus-report-browser-");
        try
        {
            var input = Path.Combine(work.FullName, "photos");
            ImageWarehouse.Create(input, 400);
            ImageWarehouse.CreateCorrupt(input, 3);
            var spec = new { id = "nightly-moderation", input, model = "moderation-fast", output = Path.Combine(work.FullName, "out"), batch_size = 8, shard_size = 50 };
            using (var submitted = await fixture.Http!.PostAsJsonAsync("v1/jobs", spec))
            {
                Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
            }

            await Eventually.HoldsAsync(async () =>
                JsonDocument.Parse(await fixture.Http!.GetStringAsync("v1/jobs/nightly-moderation")).RootElement.GetProperty("is_finished").GetBoolean(),
                TimeSpan.FromMinutes(3), "the job to finish");

            SignIn("", "/jobs");
            _browser.FindElement(By.LinkText("nightly-moderation")).Click();
            WaitFor(b => b.FindElement(By.TagName("body")).Text.Contains("Throughput over time", StringComparison.Ordinal), "the job's report");

            var report = Body;
            foreach (var part in new[] { "Job nightly-moderation", "completed", "Batch sizes", "Top class", "Failures by reason", "bad_input", "Slowest items", "Spec" })
            {
                Assert.Contains(part, report);
            }

            Assert.Equal(2, _browser.FindElements(By.CssSelector("svg rect.bar")).Select(r => r.FindElement(By.XPath("ancestor::section"))).Distinct().Count());
            // Self-contained: the page loaded no other resource, and its policy would refuse any.
            Assert.Equal(0L, ((IJavaScriptExecutor)_browser).ExecuteScript("return performance.getEntriesByType('resource').length"));

            // The whole page in one picture, for a person to look at (docs/img/job-report.png is one).
            var height = Convert.ToInt32(((IJavaScriptExecutor)_browser).ExecuteScript("return document.documentElement.scrollHeight"));
            _browser.Manage().Window.Size = new Size(1400, height + 140);
            var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
            var file = Path.Combine(screenshots.FullName, "job-report.png");
            _browser.GetScreenshot().SaveAsFile(file);
            Assert.True(new FileInfo(file).Length > 10_000, $"{file} is too small to show the report.");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
