using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Mail;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Search;
using Masthead.Features.Settings;
using Masthead.Features.Setup;
using Masthead.Features.Taxonomies;
using Masthead.Features.Themes;
using Masthead.Features.Users;
using Masthead.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddHosting();
builder.AddMail();
builder.AddAccounts();
builder.AddActivity();
builder.AddData();
builder.AddSettings();
builder.AddSetup();
builder.AddPosts();
builder.AddSearch();
builder.AddThemes();
builder.AddPermalinks();

var app = builder.Build();
app.UseHosting();
app.UseSetup();
app.UseAccounts();
app.MapHosting();
app.MapSetup();
app.MapAccounts();
app.MapActivity();
app.MapSettings();
app.MapTerms();
app.MapManagePosts();
app.MapQuickDraft();
app.MapPostEditor();
app.MapPostRevisions();
app.MapPostPasswords();
app.MapThemes();
app.MapManageThemes();
app.MapReader();
return await app.RunMastheadAsync(args);

/// <summary>The entry point, visible to the functional tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
