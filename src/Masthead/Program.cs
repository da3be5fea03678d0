using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Comments;
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
builder.AddAdmin();
builder.AddMail();
builder.AddAccounts();
builder.AddActivity();
builder.AddData();
builder.AddSettings();
builder.AddSetup();
builder.AddPosts();
builder.AddCommentModeration();
builder.AddCommentForm();
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
app.MapSettings();
app.MapPostPasswords();
app.MapCommentForm();
app.MapThemes();
// Every admin screen hangs off one group that requires a signed-in user; each screen names its capability.
var admin = app.MapAdmin();
admin.MapAccountScreens();
admin.MapActivity();
admin.MapSettingsScreens();
admin.MapTerms();
admin.MapManagePosts();
admin.MapQuickDraft();
admin.MapPostEditor();
admin.MapPostRevisions();
admin.MapCommentModeration();
admin.MapManageThemes();
app.MapReader();
return await app.RunMastheadAsync(args);

/// <summary>The entry point, visible to the functional tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
