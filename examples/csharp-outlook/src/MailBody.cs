// Puts the recipient notice (plain text from the binding) at the top of a
// mail body, as HTML or as text, with the link clickable in HTML.

using System;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Kluis.Outlook
{
    /// <summary>Puts a recipient notice at the top of a mail body.</summary>
    /// <example>
    /// <code>
    /// RecipientNotice notice = KluisMethods.RecipientNotice(sender, link, sent.ExpiresAt, Language.Nl);
    /// string html = MailBody.WithNotice(item.Body, true, notice.Body, link);
    /// </code>
    /// </example>
    public static class MailBody
    {
        private static readonly Regex BodyTag = new Regex(@"<body\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>
        /// <paramref name="body"/> with <paramref name="notice"/> before its
        /// content. HTML: the notice as paragraphs (its text escaped, each
        /// <paramref name="link"/> a hyperlink) and a rule, right after the
        /// <c>&lt;body&gt;</c> tag (or first when there is none). Text: the
        /// notice, an empty line and the body, with the body's line ends
        /// (<c>\r\n</c> when it has them).
        /// </summary>
        /// <param name="body">The body as it is.</param>
        /// <param name="isHtml">Whether <paramref name="body"/> is HTML.</param>
        /// <param name="notice">The notice's text (<see cref="RecipientNotice.Body"/>, lines ending in <c>\n</c>).</param>
        /// <param name="link">The transfer link the notice holds.</param>
        /// <returns>The new body.</returns>
        /// <example>
        /// <code>
        /// MailBody.WithNotice("Hi Bob,", false, "Ann sent you files:\nhttps://k.example/t/abc\n", "https://k.example/t/abc");
        /// // "Ann sent you files:\nhttps://k.example/t/abc\n\nHi Bob,"
        /// </code>
        /// </example>
        public static string WithNotice(string body, bool isHtml, string notice, string link)
        {
            if (body == null) throw new ArgumentNullException(nameof(body));
            if (notice == null) throw new ArgumentNullException(nameof(notice));
            if (link == null) throw new ArgumentNullException(nameof(link));
            string text = notice.Replace("\r\n", "\n").TrimEnd('\n');
            if (!isHtml)
            {
                string newline = body.Contains("\r\n") ? "\r\n" : "\n";
                return text.Replace("\n", newline) + newline + newline + body;
            }
            string html = NoticeHtml(text, link);
            Match tag = BodyTag.Match(body);
            int at = tag.Success ? tag.Index + tag.Length : 0;
            return body.Substring(0, at) + html + body.Substring(at);
        }

        private static string NoticeHtml(string text, string link)
        {
            string escapedLink = WebUtility.HtmlEncode(link);
            string anchor = "<a href=\"" + escapedLink + "\">" + escapedLink + "</a>";
            var html = new StringBuilder("<div class=\"kluis-notice\">");
            foreach (string paragraph in Regex.Split(text, @"\n{2,}"))
            {
                string escaped = WebUtility.HtmlEncode(paragraph).Replace(escapedLink, anchor).Replace("\n", "<br>\n");
                html.Append("<p>").Append(escaped).Append("</p>\n");
            }
            return html.Append("</div>\n<hr>\n").ToString();
        }
    }
}
