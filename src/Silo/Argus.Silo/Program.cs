using Argus.Silo.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddArgusSilo();

return await builder.Build().RunArgusAsync();
