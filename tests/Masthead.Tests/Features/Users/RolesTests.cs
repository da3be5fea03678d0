using Masthead.Features.Users;

namespace Masthead.Tests.Features.Users;

public sealed class RolesTests
{
    [Theory]
    [InlineData(Roles.Subscriber, Capabilities.Read, true)]
    [InlineData(Roles.Subscriber, Capabilities.EditPosts, false)]
    [InlineData(Roles.Contributor, Capabilities.EditPosts, true)]
    [InlineData(Roles.Contributor, Capabilities.PublishPosts, false)]
    [InlineData(Roles.Contributor, Capabilities.UploadFiles, false)]
    [InlineData(Roles.Author, Capabilities.PublishPosts, true)]
    [InlineData(Roles.Author, Capabilities.UploadFiles, true)]
    [InlineData(Roles.Author, Capabilities.EditOthersPosts, false)]
    [InlineData(Roles.Author, Capabilities.UnfilteredHtml, false)]
    [InlineData(Roles.Editor, Capabilities.EditOthersPosts, true)]
    [InlineData(Roles.Editor, Capabilities.ManageCategories, true)]
    [InlineData(Roles.Editor, Capabilities.ModerateComments, true)]
    [InlineData(Roles.Editor, Capabilities.UnfilteredHtml, true)]
    [InlineData(Roles.Editor, Capabilities.ManageOptions, false)]
    [InlineData(Roles.Editor, Capabilities.ListUsers, false)]
    [InlineData(Roles.Administrator, Capabilities.ManageOptions, true)]
    [InlineData(Roles.Administrator, Capabilities.EditUsers, true)]
    [InlineData(Roles.Administrator, Capabilities.SwitchThemes, true)]
    [InlineData("intruder", Capabilities.Read, false)]
    [InlineData(null, Capabilities.Read, false)]
    public void Can_FollowsWordPressRoles(string? role, string capability, bool expected) =>
        Assert.Equal(expected, Roles.Can(role, capability));

    [Fact]
    public void EachRole_HasEverythingOfTheRoleBelow()
    {
        for (var i = 0; i < Roles.All.Count - 1; i++)
        {
            var higher = Roles.All[i];
            var lower = Roles.All[i + 1];
            foreach (var capability in Roles.AllCapabilities.Where(c => Roles.Can(lower, c)))
            {
                Assert.True(Roles.Can(higher, capability), $"{higher} lacks {capability} that {lower} has");
            }
        }
    }
}
