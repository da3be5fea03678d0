namespace Masthead.Features.Admin;

/// <summary>One thing wrong with a form, and the field it is about: shown beside the field and in the summary at the top.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <summary>The messages alone, for <see cref="Notices"/>.</summary>
    public static List<string> Messages(IEnumerable<FieldError> errors) => [.. errors.Select(e => e.Message)];

    public static string? For(IEnumerable<FieldError> errors, string field) => errors.FirstOrDefault(e => e.Field == field)?.Message;
}
