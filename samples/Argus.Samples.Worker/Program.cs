using Argus.Client;
using Argus.Samples.Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.AddArgusClient(o => o.GatewayPorts = [builder.Configuration.GetValue("Argus:GatewayPort", 30000)]);
builder.Services.Configure<EmbedderOptions>(builder.Configuration.GetSection(EmbedderOptions.Section));
builder.Services.AddHostedService<Embedder>();
builder.Build().Run();
