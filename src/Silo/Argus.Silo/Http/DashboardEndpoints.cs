using Orleans.Dashboard;

namespace Argus.Silo.Http;

/// <summary>
/// The Orleans dashboard's pages and API, built on the first request for one of them. Mapping them builds the
/// dashboard's asset cache: it reads every file embedded in Orleans.Dashboard and gzips it, about 0.5 CPU s and 40 MB
/// on the 2-core machine (docs/BENCHMARKS.md, "Time to capacity"). A silo mapping them at start paid that before it
/// was ready, and every silo an autoscaler added paid it whether anyone opened its dashboard or not.
/// </summary>
internal static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder endpoints, string prefix)
    {
        var services = endpoints.ServiceProvider;
        var dashboard = new Lazy<Task<RequestDelegate>>(() => Task.Run(() => Build(services, prefix)));
        // One endpoint stands for the whole dashboard, so it carries the group's authorization; the dashboard's own
        // routing then runs on a request that has no endpoint yet.
        endpoints.Map(prefix + "/{**path}", async context =>
        {
            var serve = await dashboard.Value;
            context.SetEndpoint(null);
            context.Request.RouteValues.Clear();
            await serve(context);
        });
    }

    private static RequestDelegate Build(IServiceProvider services, string prefix)
    {
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseEndpoints(e => e.MapOrleansDashboard(routePrefix: prefix));
        return app.Build();
    }
}
