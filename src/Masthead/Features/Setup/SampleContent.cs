namespace Masthead.Features.Setup;

/// <summary>The words a new site starts with, written for Masthead.</summary>
internal static class SampleContent
{
    public const string HelloWorld = """
        <p>This is the first story on your new Masthead site. Edit it, or delete it, and then start writing the news.</p>
        <h2>What a story can hold</h2>
        <p>Stories carry headings, paragraphs, pictures with captions and quotations, and they are filed under categories and tags so readers can follow a beat.</p>
        <blockquote><p>A correction printed promptly is worth more than a scoop printed wrong.</p></blockquote>
        <p>Readers can answer below. Their comments wait for your approval unless you decide otherwise.</p>
        """;

    public const string SamplePage = """
        <p>This is a page. Unlike a story, a page does not appear on the front page or in the archives; it stays put, like a newsroom's masthead.</p>
        <p>Most sites use pages for an About page, a way to send tips, or the corrections policy. Here is how one might begin:</p>
        <blockquote><p>We are a small newsroom covering the towns along the river. We publish every weekday morning and correct our mistakes in the open.</p></blockquote>
        <p>You can edit or replace this page whenever you like.</p>
        """;

    public const string Comment = """
        Hi, this is a comment.
        Comments wait for approval, and you can edit, approve, mark as spam or delete them from the admin.
        """;
}
