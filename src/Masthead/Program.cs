using Masthead.Data;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Masthead.Features.Setup;
using Masthead.Features.Themes;
using Masthead.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddHosting();
builder.AddData();
builder.AddSettings();
builder.AddSetup();
builder.AddThemes();
builder.AddPermalinks();

var app = builder.Build();
app.UseHosting();
app.MapHosting();
app.MapThemes();
app.MapReader();
return await app.RunMastheadAsync(args);

/// <summary>The entry point, visible to the functional tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
