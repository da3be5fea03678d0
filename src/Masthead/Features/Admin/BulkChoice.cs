namespace Masthead.Features.Admin;

/// <summary>What a bulk form asks for: the action of the Apply button pressed (top or bottom), and the ticked ids.</summary>
public static class BulkChoice
{
    public static string Action(IFormCollection form) =>
        (form["apply"] == "bottom" || form["bulk_action"].ToString().Length == 0 ? form["bulk_action2"] : form["bulk_action"]).ToString();

    /// <summary>The ticked rows' ids (WordPress names the field <c>post[]</c>, <c>delete_tags[]</c>, <c>users[]</c>), each once, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<int> Ids(IFormCollection form, string field, int limit = 200) =>
        [.. form[field].Select(v => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().Take(limit)];
}
