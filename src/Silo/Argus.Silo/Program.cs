using Argus.Silo.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddArgusSilo();

var app = builder.Build();
app.MapArgus();
app.Run();
